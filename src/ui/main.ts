/**
 * The page: starts the database worker, publishes the console API, and shows
 * the studies.
 */
import { mount } from 'svelte'
import App from './App.svelte'
import './app.css'
import { connect } from './client.js'
import { consoleApi } from './console.js'
import { StudyList } from './studies/studies.svelte.js'

const worker = new Worker(new URL('../worker/index.ts', import.meta.url), { type: 'module', name: 'diviner-db' })
const { db } = connect(worker)
globalThis.diviner = consoleApi(db)

const studies = new StudyList(db)
const target = document.getElementById('app')
if (target === null) throw new Error('index.html has no #app element')
mount(App, { target, props: { studies } })
void studies.load()
