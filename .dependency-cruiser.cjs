/**
 * Import cycles, type-only imports included (ESLint's import-x/no-cycle skips
 * those). `npm run lint` runs it after ESLint, which checks the layering.
 */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A cycle hides which layer a file belongs to: move the shared part down a layer.',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    extraExtensionsToScan: ['.svelte'],
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.svelte'] },
  },
}
