import { SyntheticFeedAdapter } from './synthetic.feed';

/** The adapters shipped with the coordinator; each registers itself by its `@FeedAdapter` name. */
export const BUILT_IN_FEED_ADAPTERS = [SyntheticFeedAdapter];
