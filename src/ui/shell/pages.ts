/**
 * The study and run screens, loaded when first visited: they carry the charts
 * and tables the studies list does not need, so the first screen comes sooner.
 */
import type { Component } from 'svelte'
import type { RemoteApi } from '../../worker/client.js'
import type { Router } from '../router.svelte.js'

/** What the study screen is given. */
export type StudyPageProps = { study: string; router: Router; api: RemoteApi }
/** What the run screen is given. */
export type RunPageProps = { study: string; seq: number; router: Router; api: RemoteApi }

/** Loads the study screen. */
export const loadStudyPage = (): Promise<{ default: Component<StudyPageProps> }> => import('../study/StudyPage.svelte')
/** Loads the run screen. */
export const loadRunPage = (): Promise<{ default: Component<RunPageProps> }> => import('../run/RunPage.svelte')
