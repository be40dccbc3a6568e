/** A round's inputs: one row of numbers per item. */
export interface RoundInputs {
  features: number[][];
}

export declare class {{base_class}} {
  /** One number per row of `inputs.features`, in the same order. */
  predict(inputs: RoundInputs): number[];
  /** The feature rows of a round's inputs. */
  rows(inputs: RoundInputs): number[][];
}
