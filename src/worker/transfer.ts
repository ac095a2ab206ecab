/**
 * What Comlink needs beyond structured clone to carry the Database across a
 * worker boundary: errors that keep their `code`, and AbortSignals.
 *
 * Both sides must import this module (for its side effect of registering the
 * handlers) before the first call crosses; `api.ts` and `client.ts` do.
 * Dates, bigints, Maps, NaN and ±Infinity need nothing: structured clone keeps them.
 */
import * as Comlink from 'comlink'
import { DivinerError, type ErrorCode } from '../db/model/errors.js'

/** A thrown value in a form structured clone keeps. */
export type WireError =
  | { readonly type: 'diviner'; readonly code: ErrorCode; readonly message: string; readonly details?: Record<string, unknown>; readonly stack?: string }
  | { readonly type: 'error'; readonly name: string; readonly message: string; readonly stack?: string }
  | { readonly type: 'value'; readonly value: unknown }

/** `e` in a form that crosses a boundary: a DivinerError keeps its code and details. */
export function toWireError(e: unknown): WireError {
  if (e instanceof DivinerError) {
    const details = e.details === undefined ? undefined : cloneable(e.details) ?? { unsendable: String(e.details) }
    return { type: 'diviner', code: e.code, message: e.message, details, stack: e.stack }
  }
  if (e instanceof Error || e instanceof DOMException) return { type: 'error', name: e.name, message: e.message, stack: e.stack }
  if (cloneable(e) !== undefined || e === undefined) return { type: 'value', value: e }
  return { type: 'error', name: 'Error', message: String(e) }
}

/** The error `w` describes, rebuilt on this side: a DivinerError is a DivinerError again. */
export function fromWireError(w: WireError): unknown {
  switch (w.type) {
    case 'diviner': return withStack(new DivinerError(w.code, w.message, w.details), w.stack)
    case 'error': return withStack(rebuildError(w.name, w.message), w.stack)
    case 'value': return w.value
  }
}

function rebuildError(name: string, message: string): Error {
  if (name === 'AbortError' || name === 'TimeoutError') return new DOMException(message, name)
  const e = name === 'TypeError' ? new TypeError(message) : name === 'RangeError' ? new RangeError(message) : new Error(message)
  if (e.name !== name) e.name = name
  return e
}

/** Keeps the stack of where the error was thrown (the other side), which is where the bug is. */
function withStack<E extends Error>(e: E, stack: string | undefined): E {
  if (stack !== undefined && !(e instanceof DOMException)) e.stack = stack
  return e
}

/** `x` if structured clone can carry it, otherwise undefined. */
function cloneable<T>(x: T): T | undefined {
  try {
    structuredClone(x)
    return x
  } catch {
    return undefined
  }
}

/**
 * Replaces Comlink's "throw" handler (which keeps only name, message and stack)
 * under the same name, so both sides use ours. Comlink wraps a thrown value as
 * `{ value }` plus a private marker; its own `canHandle` recognises that marker.
 */
const builtinThrow = Comlink.transferHandlers.get('throw')
if (builtinThrow === undefined) throw new Error('Comlink has no "throw" transfer handler to replace')
Comlink.transferHandlers.set('throw', {
  canHandle: (x): x is { value: unknown } => builtinThrow.canHandle(x),
  serialize: ({ value }: { value: unknown }) => [toWireError(value), []],
  deserialize: (w: WireError) => { throw fromWireError(w) },
} satisfies Comlink.TransferHandler<{ value: unknown }, WireError>)

/** An AbortSignal on the wire: already aborted with a reason, or a port that will say when it aborts. */
type WireSignal = { readonly aborted: WireError } | { readonly port: MessagePort }

/** The message a receiver sends back once it stops listening, so the sender can let go of the signal. */
const RELEASED = 'released'

/**
 * Carries an AbortSignal, which structured clone refuses: the sending side
 * keeps the signal and posts its abort reason through a MessagePort; the
 * receiving side gets a fresh signal from an AbortController that aborts when
 * that message arrives. Only top-level call arguments go through transfer
 * handlers, so the API takes a signal as its own trailing argument.
 */
Comlink.transferHandlers.set('abort-signal', {
  canHandle: (x): x is AbortSignal => x instanceof AbortSignal,
  serialize(signal: AbortSignal): [WireSignal, Transferable[]] {
    if (signal.aborted) return [{ aborted: toWireError(signal.reason) }, []]
    const { port1, port2 } = new MessageChannel()
    const stop = () => { signal.removeEventListener('abort', onAbort); port1.close() }
    const onAbort = () => { port1.postMessage(toWireError(signal.reason)); stop() }
    signal.addEventListener('abort', onAbort)
    port1.onmessage = stop
    return [{ port: port2 }, [port2]]
  },
  deserialize(wire: WireSignal): AbortSignal {
    const controller = new AbortController()
    if ('aborted' in wire) {
      controller.abort(fromWireError(wire.aborted))
      return controller.signal
    }
    wire.port.onmessage = (e: MessageEvent<WireError>) => {
      controller.abort(fromWireError(e.data))
      releaseSignal(controller.signal)
    }
    listening.set(controller.signal, wire.port)
    return controller.signal
  },
} satisfies Comlink.TransferHandler<AbortSignal, WireSignal>)

/** Ports of received signals that still listen for an abort. */
const listening = new WeakMap<AbortSignal, MessagePort>()

/**
 * Stops listening for `signal`'s abort once the call that received it is over,
 * and tells the sender, which then drops its listener and closes the channel.
 * Harmless for a signal that did not come through a boundary.
 */
export function releaseSignal(signal: AbortSignal | undefined): void {
  const port = signal && listening.get(signal)
  if (!port) return
  listening.delete(signal)
  port.onmessage = null
  port.postMessage(RELEASED)
}
