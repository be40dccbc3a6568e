/** A reward-function option is missing, of the wrong type or out of range; names the key. */
export class RewardOptionsError extends Error {
  constructor(
    readonly rewardFunction: string,
    readonly optionKey: string,
    detail: string,
  ) {
    super(`reward function "${rewardFunction}": option "${optionKey}" ${detail}`);
    this.name = 'RewardOptionsError';
  }
}

/** No reward function is registered under the requested name. */
export class UnknownRewardFunctionError extends Error {
  constructor(
    readonly rewardFunction: string,
    readonly known: readonly string[],
  ) {
    super(`unknown reward function "${rewardFunction}"; known reward functions: ${known.join(', ')}`);
    this.name = 'UnknownRewardFunctionError';
  }
}

/** A reward function could not be registered (duplicate name, or not shaped like a RewardFunction). */
export class RewardRegistrationError extends Error {
  constructor(
    readonly rewardFunction: string,
    detail: string,
  ) {
    super(`cannot register reward function "${rewardFunction}": ${detail}`);
    this.name = 'RewardRegistrationError';
  }
}

/** The leaderboard cannot be rewarded as configured (e.g. the benchmark is required but absent), or a function returned nonsense. */
export class RewardComputationError extends Error {
  constructor(
    readonly rewardFunction: string,
    detail: string,
  ) {
    super(`reward function "${rewardFunction}": ${detail}`);
    this.name = 'RewardComputationError';
  }
}
