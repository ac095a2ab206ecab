#!/usr/bin/env node
// A small stand-in for a training script: it "trains" for a few epochs with
// the given hyperparameters and reports metrics the way Diviner's black boxes
// do, one `METRICS:` line per epoch. It needs nothing but Node.
//
//   node train.mjs --lr 0.01 --layers 3 --optimizer adam [--epochs 5] [--delay-ms 200]
//
// It fails (exit status 1) for a learning rate of 1 or more with sgd, as a
// diverging run would, after printing a loss of NaN.
import { parseArgs } from 'node:util'

const { values } = parseArgs({
  options: {
    lr: { type: 'string', default: '0.01' },
    layers: { type: 'string', default: '2' },
    optimizer: { type: 'string', default: 'adam' },
    epochs: { type: 'string', default: '5' },
    'delay-ms': { type: 'string', default: '150' },
    seed: { type: 'string', default: '1' },
  },
})
const lr = Number(values.lr)
const layers = Number(values.layers)
const epochs = Number(values.epochs)
const delay = Number(values['delay-ms'])
if (![lr, layers, epochs, delay].every(Number.isFinite)) {
  console.error('train.mjs: --lr, --layers, --epochs and --delay-ms take numbers')
  process.exit(2)
}

// A deterministic "noise" from the values, so the same run gives the same curve.
let state = [...`${lr}|${layers}|${values.optimizer}|${values.seed}`].reduce((h, c) => Math.imul(h ^ c.charCodeAt(0), 16777619), 2166136261)
const noise = () => {
  state = Math.imul(state ^ (state >>> 15), 2246822507) ^ Math.imul(state ^ (state >>> 13), 3266489909)
  return ((state >>> 0) / 2 ** 32 - 0.5) * 0.02
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

console.log(`training: lr=${lr} layers=${layers} optimizer=${values.optimizer}`)
console.log('DIVINER: keepalive=30s')
const target = 0.05 + Math.abs(Math.log10(lr) + 2) * 0.08 + Math.abs(layers - 3) * 0.03 + (values.optimizer === 'sgd' ? 0.05 : 0)
for (let epoch = 1; epoch <= epochs; epoch++) {
  await sleep(delay)
  if (values.optimizer === 'sgd' && lr >= 1) {
    console.log(`METRICS: epoch=${epoch},loss=NaN,acc=0`)
    console.error('training diverged: the loss is NaN')
    process.exit(1)
  }
  const loss = target + (1 - target) * Math.exp(-epoch / 1.5) + noise()
  const acc = Math.min(0.999, 1 - loss * 0.9 + noise())
  for (let step = 1; step <= 4; step++) process.stdout.write(`epoch ${epoch} [${'#'.repeat(step)}${' '.repeat(4 - step)}]\r`)
  console.log(`epoch ${epoch}: loss ${loss.toFixed(4)}, acc ${acc.toFixed(4)}`)
  console.log(`METRICS: epoch=${epoch},loss=${loss},acc=${acc}`)
}
