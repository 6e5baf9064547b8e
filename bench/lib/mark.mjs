/** Prefix of the one result line a case child prints on stdout. */
export const RESULT_MARK = '@@logferry-bench@@';
