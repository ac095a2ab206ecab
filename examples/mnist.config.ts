// A study config for `diviner-local run`, translated line by line from
// Diviner's examples/mnist.dv (a grid over learning rates, layer counts and
// optimizers; minimize the loss). The trainer is examples/train.mjs.
//
//   npx diviner-local run examples/mnist.config.ts
//   npx diviner-local leaderboard mnist-local
import { discrete, localSystem, minimize, gridSearch, range, runConfig, study } from 'diviner-local/config'

const local = localSystem('local', 4)

export default study({
  name: 'mnist-local',
  params: {
    learning_rate: discrete(0.001, 0.01, 0.1, 1.0),
    layers: range(1, 4),
    optimizer: discrete('adam', 'sgd'),
  },
  objective: minimize('loss'),
  oracle: gridSearch,
  replicates: 0,
  description: 'the MNIST stand-in of examples/train.mjs',
  run: (values) => runConfig({
    system: local,
    argv: ['node', 'train.mjs', '--lr', String(values.learning_rate), '--layers', String(values.layers), '--optimizer', String(values.optimizer)],
    timeout: '5m',
  }),
})
