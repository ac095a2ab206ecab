// A module resolution hook: lets a study config anywhere on disk import the
// builtins as 'diviner-local/config' (like Diviner's predeclared Starlark
// builtins), whether or not the package is installed beside it.
const BUILTINS = new URL('../src/cli/config/builtins.ts', import.meta.url).href

export async function resolve(specifier, context, next) {
  if (specifier === 'diviner-local/config') return next(BUILTINS, context)
  return next(specifier, context)
}
