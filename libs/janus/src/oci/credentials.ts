/** What a registry login is: the Engine API's auth object for push and pull, and what a credential lookup finds. */
export interface PushCredentials {
  username: string;
  password: string;
  serveraddress: string;
}
