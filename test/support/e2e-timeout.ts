// The e2e project's time limit for every test and hook (beforeAll starting an emulator or a database
// server included): jest's `testTimeout` is a global option and is not read from a project's config.
jest.setTimeout(120_000);
