/**
 * Shapes the study and run screens receive from the worker, named from the
 * worker API's own types (never copied by hand).
 */
import type { WorkerApi } from '../../worker/api.js'

/** The worker API as the page holds it. */
export type { RemoteApi as Api } from '../../worker/client.js'

/** One run as the runs table lists it: a run without its metric history, with its last metrics entry. */
export type RunRow = Awaited<ReturnType<WorkerApi['runRows']>>[number]

/** A study's leaderboard, as the worker ranks it. */
export type Leaderboard = Awaited<ReturnType<WorkerApi['leaderboard']>>

/** One ranked trial of a leaderboard. */
export type BoardTrial = Leaderboard['trials'][number]
