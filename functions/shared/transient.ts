/** Errors worth retrying (network, PostgreSQL SQLSTATEs): the one list, shared with the CLI. */
export { isNetworkError, isTransientError, NETWORK_ERROR_CODES, POSTGRES_TRANSIENT_CODES } from '../../src/lib/aws/transient';
