/// <reference types="vite/client" />
/**
 * The study and run screens, loaded when first visited (they carry the charts
 * and tables the studies list does not need). Found by file name: a screen
 * whose file is missing from the build is reported as unavailable instead of
 * breaking the page.
 */
import type { Component } from 'svelte'
import type { RemoteApi } from '../../worker/client.js'
import type { Router } from '../router.svelte.js'

/** What the study screen is given. */
export type StudyPageProps = { study: string; router: Router; api: RemoteApi }
/** What the run screen is given. */
export type RunPageProps = { study: string; seq: number; router: Router; api: RemoteApi }

type Loader<P extends Record<string, unknown>> = () => Promise<{ default: Component<P> }>

const studyPages = import.meta.glob<{ default: Component<StudyPageProps> }>('../study/StudyPage.svelte')
const runPages = import.meta.glob<{ default: Component<RunPageProps> }>('../run/RunPage.svelte')

/** Loads the study screen, or undefined when this build has none. */
export const loadStudyPage: Loader<StudyPageProps> | undefined = studyPages['../study/StudyPage.svelte']
/** Loads the run screen, or undefined when this build has none. */
export const loadRunPage: Loader<RunPageProps> | undefined = runPages['../run/RunPage.svelte']
