// Diviner's cmd/diviner/toy.dv, translated line by line (the Python one-liner
// became a Node one; skopt is not here, so the oracle is random search).
//
//   npx diviner-local run examples/toy.config.ts -trials 8
import { dataset, localSystem, minimize, randomSearch, range, runConfig, study, float } from 'diviner-local/config'

const local = localSystem('local', 2)

const toyDataset = dataset({
  name: 'toy',
  system: local,
  script: `
    echo created dataset
  `,
})

function runToy(params: { x: number }) {
  return runConfig({
    datasets: [toyDataset],
    system: local,
    script: `
      node -e 'const x = ${params.x}; const y = Math.sin(5 * x) * (1 - Math.tanh(x ** 2)) + (Math.random() - 0.5) * 0.4; console.log("METRICS: y=" + y)'
    `,
  })
}

export default study({
  name: 'toy',
  params: { x: range(float(-2.0), float(2.0)) },
  objective: minimize('y'),
  oracle: randomSearch(1),
  run: (values) => runToy(values as { x: number }),
})
