// Real engine, registry and npm work takes minutes, not jest's default 5 s; a per-project testTimeout is
// not honoured when jest runs several projects, so it is set here.
jest.setTimeout(10 * 60 * 1000);
