/**
 * The new-study form (#/new), as a person fills it in.
 */
import type { Locator, Page } from 'playwright-core'

/** A discrete param: its values of one kind, as typed one per line (lists and dicts as JSON). */
export interface DiscreteSpec {
  readonly name: string
  readonly kind: 'int' | 'float' | 'string' | 'bool' | 'list' | 'dict'
  readonly values: readonly string[]
}

/** A range param `[start, end)` over ints or floats. */
export interface RangeSpec {
  readonly name: string
  readonly range: 'int' | 'float'
  readonly start: string
  readonly end: string
  /** A log-scale range ("Log scale" ticked). */
  readonly log?: boolean
}

export type ParamSpec = DiscreteSpec | RangeSpec

/** What to type into the form; fields left out keep what the form shows. */
export interface NewStudySpec {
  readonly name: string
  readonly description?: string
  readonly direction?: 'minimize' | 'maximize'
  readonly metric: string
  readonly replicates?: number
  /** A seed picks the random oracle; none leaves the grid. */
  readonly randomSeed?: number
  readonly params: readonly ParamSpec[]
  /** The command template diviner-local runs the study with. */
  readonly command?: string
}

export class NewStudyPage {
  readonly page: Page
  readonly heading: Locator
  readonly name: Locator
  readonly description: Locator
  readonly direction: Locator
  readonly metric: Locator
  readonly replicates: Locator
  readonly oracle: Locator
  readonly seed: Locator
  readonly gridSize: Locator
  readonly createButton: Locator
  /** What creating said: created, or already there. */
  readonly outcome: Locator

  constructor(page: Page) {
    this.page = page
    this.heading = page.getByRole('heading', { name: 'New study' })
    this.name = page.getByRole('textbox', { name: 'Study name' })
    this.description = page.getByRole('textbox', { name: 'Description' })
    this.direction = page.getByRole('combobox', { name: 'Direction' })
    this.metric = page.getByRole('textbox', { name: 'Metric' })
    this.replicates = page.getByRole('textbox', { name: 'Replicates' })
    this.oracle = page.getByRole('combobox', { name: 'Oracle' })
    this.seed = page.getByRole('textbox', { name: 'Seed' })
    this.gridSize = page.getByText(/^Grid size:/)
    this.createButton = page.getByRole('button', { name: 'Create study' })
    this.outcome = page.locator('.outcome')
  }

  async loaded(): Promise<void> {
    await this.heading.waitFor()
  }

  /** The box of the `index`-th param (0-based). */
  param(index: number): Locator {
    return this.page.getByRole('group', { name: `Param ${index + 1}`, exact: true })
  }

  /** The error shown under a field, found by the field's accessible description. */
  async fieldError(field: Locator): Promise<string | undefined> {
    const id = await field.getAttribute('aria-describedby')
    return id ? (await this.page.locator(`[id="${id}"]`).innerText()).trim() : undefined
  }

  /** Fills the `index`-th param, adding a row if needed. */
  async fillParam(index: number, spec: ParamSpec): Promise<void> {
    if ((await this.param(index).count()) === 0) await this.page.getByRole('button', { name: 'Add param' }).click()
    const box = this.param(index)
    await box.getByRole('textbox', { name: 'Name' }).fill(spec.name)
    if ('range' in spec) {
      await box.getByRole('combobox', { name: 'Type' }).selectOption('range')
      await box.getByRole('combobox', { name: 'Kind' }).selectOption(spec.range)
      await box.getByRole('textbox', { name: 'Start' }).fill(spec.start)
      await box.getByRole('textbox', { name: 'End' }).fill(spec.end)
      await box.getByRole('checkbox', { name: 'Log scale' }).setChecked(spec.log === true)
    } else {
      await box.getByRole('combobox', { name: 'Type' }).selectOption('discrete')
      await box.getByRole('combobox', { name: 'Kind' }).selectOption(spec.kind)
      await box.getByRole('textbox', { name: 'Values' }).fill(spec.values.join('\n'))
    }
  }

  /** Fills in the whole form. */
  async fill(spec: NewStudySpec): Promise<void> {
    await this.name.fill(spec.name)
    if (spec.description !== undefined) await this.description.fill(spec.description)
    if (spec.command !== undefined) await this.page.getByRole('textbox', { name: 'Command (optional)' }).fill(spec.command)
    if (spec.direction !== undefined) await this.direction.selectOption(spec.direction)
    await this.metric.fill(spec.metric)
    if (spec.replicates !== undefined) await this.replicates.fill(String(spec.replicates))
    if (spec.randomSeed !== undefined) {
      await this.oracle.selectOption('random')
      await this.seed.fill(String(spec.randomSeed))
    }
    for (const [i, p] of spec.params.entries()) await this.fillParam(i, p)
  }

  /** Presses "Create study" and waits for what it says. */
  async create(): Promise<string> {
    await this.createButton.click()
    await this.outcome.waitFor()
    return (await this.outcome.innerText()).trim()
  }

  /** Goes back to the list from the outcome. */
  async backToStudies(): Promise<void> {
    await this.outcome.getByRole('link', { name: 'Back to the studies' }).click()
  }
}
