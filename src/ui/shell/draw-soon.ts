/**
 * Drawing spread over tasks: the pictures of a screen whose data arrive
 * together are drawn one per task, each after a rendered frame, so no single
 * task draws them all or lays out the page for them.
 */
type Cleanup = () => void
const queued: { draw: () => Cleanup | void; cleanup?: Cleanup | void; done: boolean }[] = []
let pumping = false
/** Posts to itself to run the next draw: a task as soon as possible, without setTimeout's clamping. Made on first use. */
let channel: MessageChannel | undefined

function next(): void {
  if (!channel) {
    channel = new MessageChannel()
    channel.port1.onmessage = pump
  }
  const port = channel.port2
  afterFrame(() => port.postMessage(0))
}

/**
 * Calls `then` once the page has rendered a frame, so the draw after it finds
 * the layout done by the browser's own rendering step rather than forcing it
 * inside its task (after a tab's DOM has just changed that layout costs as
 * much as the draw). When no frame comes within 100 ms (a hidden page) it
 * calls `then` anyway; where there are no frames at all (Node), at once.
 */
function afterFrame(then: () => void): void {
  if (typeof requestAnimationFrame !== 'function') return then()
  let called = false
  const once = () => {
    if (called) return
    called = true
    clearTimeout(timer)
    then()
  }
  const timer = setTimeout(once, 100)
  requestAnimationFrame(once)
}

function pump(): void {
  const job = queued.shift()
  try {
    if (job) {
      job.done = true
      job.cleanup = job.draw()
    }
  } finally {
    // A draw that throws still lets the later ones run.
    if (queued.length > 0) next()
    else pumping = false
  }
}

/**
 * Runs `draw` in a task of its own, after the draws queued before it and after
 * the page's next rendered frame: the pictures of a tab whose data arrive
 * together are drawn one per task, so no single task draws them all or lays
 * out the tab that just changed (a main-thread task over 50 ms is felt as jank).
 * Callers read every reactive value they depend on before calling, so the
 * effect still tracks them. Returns what undoes it: cancels `draw` if it has
 * not run yet, else calls the cleanup `draw` returned.
 */
export function drawSoon(draw: () => Cleanup | void): Cleanup {
  const job: (typeof queued)[number] = { draw, done: false }
  queued.push(job)
  if (!pumping) {
    pumping = true
    next()
  }
  return () => {
    if (!job.done) {
      const i = queued.indexOf(job)
      if (i >= 0) queued.splice(i, 1)
      job.done = true
    } else {
      job.cleanup?.()
      job.cleanup = undefined
    }
  }
}
