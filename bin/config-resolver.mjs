// Module resolution hooks for study configs: a config anywhere on disk may
// import the builtins as 'diviner-local/config' (like Diviner's predeclared
// Starlark builtins), whether or not the package is installed beside it, and
// a config written with `import` is an ES module even where no package.json
// says "type": "module".
const BUILTINS = new URL('../src/cli/config/builtins.ts', import.meta.url).href
const SOURCE = /\.(ts|js)$/

export async function resolve(specifier, context, next) {
  if (specifier === 'diviner-local/config') return next(BUILTINS, context)
  const resolved = await next(specifier, context)
  if (resolved.url.startsWith('file:') && SOURCE.test(resolved.url) && !resolved.url.includes('/node_modules/') && (resolved.format === undefined || resolved.format === 'commonjs')) {
    return { ...resolved, format: 'module' }
  }
  return resolved
}
