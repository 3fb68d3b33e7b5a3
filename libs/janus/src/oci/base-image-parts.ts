/** What of a base image an image built on it leaves as it is: its layers and its history entries. */
export interface BaseImageParts {
  diffIds: string[];
  /** How many entries of the config's history are the base image's (they come first). */
  historyLength: number;
}
