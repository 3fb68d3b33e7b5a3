// The names of docker-build's output files, in a module of their own so target inference can name them without
// loading the record's schema.

/** The build record: what contract-test, docker-run and docker-push act on (see build-record.ts). */
export const BUILD_RECORD_FILE = 'metadata.json';

/** What a build made, by content only: the one file dependents and the contract hash (see imageDigests). */
export const IMAGE_DIGESTS_FILE = 'image-digests.json';

/** docker-push's own output: what it published (see publish-record.ts). docker-build's record is never rewritten. */
export const PUBLISH_RECORD_FILE = 'publish.json';
