// Types of scripts/serve.mjs for the TypeScript that reuses it (the serve verb).
import type { IncomingMessage, Server, ServerResponse } from 'node:http'

/** The Content-Security-Policy the page is served with. */
export const CONTENT_SECURITY_POLICY: string
/** The port served on unless another is asked for. */
export const DEFAULT_PORT: number
/** The address served on unless another is asked for. */
export const DEFAULT_HOST: string
/** A request handler serving the files under `root` (an absolute, real path). */
export function handler(root: string): (req: IncomingMessage, res: ServerResponse) => Promise<void>
/**
 * Listens on `host` at `port` with `listener`; when that port is taken and not
 * `explicit`, on any free port. Resolves to the server and the URL to open.
 */
export function serve(root: string, port: number, options?: { host?: string; explicit?: boolean; listener?: (req: IncomingMessage, res: ServerResponse) => void | Promise<void> }): Promise<{ server: Server; url: string }>
