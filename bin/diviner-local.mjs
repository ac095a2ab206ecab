#!/usr/bin/env node
// The diviner-local command: its code is TypeScript (src/cli), compiled as it
// loads by tsx, so a clone needs no build step. Study configs may be
// TypeScript too, and import the builtins as 'diviner-local/config'.
import { register } from 'node:module'
import { register as registerTsx } from 'tsx/esm/api'

registerTsx()
register('./config-resolver.mjs', import.meta.url)
const { main } = await import('../src/cli/main.ts')
const code = await main(process.argv.slice(2))
process.exitCode = code
