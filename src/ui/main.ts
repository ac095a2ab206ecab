/**
 * The page: starts the database worker, publishes the console API, makes the
 * app's shared state (router, error reports, import and export), shows the
 * screen the address names, and installs the service worker that keeps the
 * page working offline.
 */
// First: the workers start before the rest of the page's code is evaluated.
import { databaseWorker } from './workers.js'
import { mount } from 'svelte'
import App from './App.svelte'
import './app.css'
import { connect } from './client.js'
import { consoleApi } from './console.js'
import { parseHash, Router } from './router.svelte.js'
import { JournalFollow, servedJournal } from './shell/journal-follow.svelte.js'
import { Problems } from './shell/problems.svelte.js'
import { registerServiceWorker } from './sw/register.js'
import { Exporter } from './transfer/exporter.svelte.js'
import { Importer } from './transfer/importer.svelte.js'

/** The IndexedDB database the worker keeps (src/worker/index.ts); names the saved export checkpoint. */
const DATABASE = 'diviner'

const { api, db } = connect(databaseWorker)
globalThis.diviner = consoleApi(db)
// A study opened by its address: the worker reads it while the screen's code loads.
const { route: opened, query: openedQuery } = parseHash(location.hash)
if (opened.name === 'study' || opened.name === 'run' || opened.name === 'compare') {
  void api.warmStudy(opened.study, opened.name === 'study' && openedQuery.get('tab') === 'leaderboard').catch(() => undefined)
}

const problems = new Problems()
const props = {
  api,
  router: new Router(),
  problems,
  importer: new Importer(api, problems),
  exporter: new Exporter(api, problems, DATABASE),
  follow: new JournalFollow(api, servedJournal()),
}
// Anything that escapes the screens still reaches the person, not just the console.
window.addEventListener('unhandledrejection', (e) => problems.report('Something went wrong', e.reason))

const target = document.getElementById('app')
if (target === null) throw new Error('index.html has no #app element')
mount(App, { target, props })
registerServiceWorker()
