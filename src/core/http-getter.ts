// The plain HTTP GET the gateway makes for push media URLs: declared here so that channels take it by
// injection (undici, with the connect-time address guard, lives in dispatch/) and never load a client.

export interface HttpGetResponse {
  status: number;
  /** A response header by lower-case name. */
  header(name: string): string | undefined;
  body: AsyncIterable<Uint8Array>;
  /** Drops what is left of the body (a redirect's, or one refused as too large). */
  discard(): Promise<void>;
}

export interface HttpGetter {
  /**
   * One GET that does not follow redirects (the caller checks each location against the URL policy).
   * Throws `ReservedAddressError` when, private addresses not being allowed, the host resolves to one
   * when the connection is made.
   */
  get(url: string, options: { signal: AbortSignal }): Promise<HttpGetResponse>;
  close(): Promise<void>;
}
