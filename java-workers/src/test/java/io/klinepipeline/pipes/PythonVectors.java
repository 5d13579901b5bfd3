package io.klinepipeline.pipes;

/**
 * Parameters encoded by the real Python package, dagster-pipes 1.13.27, with
 * {@code /work/main/.venv/bin/python -c "from dagster_pipes import encode_param; print(encode_param({...}))"};
 * the Python value of each is in its comment. The script also checked decode_param(encode_param(v)) == v.
 */
final class PythonVectors {

    /** {"path": "/tmp/dagster-pipes/context.json"} */
    static final String CONTEXT_PATH = "eJyrVipILMlQslJQ0i/JLdBPSUwvLkkt0i3ILEgt1k/OzytJrSjRyyrOz1OqBQBG8g+L";

    /** {"path": "/tmp/dagster-pipes/messages", "include_stdio_in_messages": False} */
    static final String MESSAGES_PATH =
            "eJw9yTEKgDAMBdCrlMxK916mBBNroK3BHyfx7m6+9T3kHAeVRDmGZ+GG0Gt1c0UeCnBT0JLI5tZv0YoQO6vN+mdJO3fo+wHuZxs+";

    /** {"stdio": "stderr"} */
    static final String MESSAGES_STDERR = "eJyrViouScnMV7JSADFSi4qUagFBNAaS";

    /** {"bucket": "pipes-messages", "key_prefix": "run-42/messages"} */
    static final String MESSAGES_S3 = "eJyrVkoqTc5OLVGyUlAqyCxILdbNTS0uTkxPLVbSUVDKTq2MLyhKTcusAMkXlebpmhjpwxXUAgCFxxTS";

    /**
     * {"data": {
     *   "asset_keys": ["silver/klines", "bronze/odd\\/part"],
     *   "code_version_by_asset_key": {"silver/klines": "v3", "bronze/odd\\/part": None},
     *   "provenance_by_asset_key": {"silver/klines": {"code_version": "v3",
     *       "input_data_versions": {"bronze/klines": "abc"}, "is_user_provided": False},
     *     "bronze/odd\\/part": None},
     *   "partition_key": "2026-11-24-10:00",
     *   "partition_key_range": {"start": "2026-11-24-10:00", "end": "2026-11-24-10:00"},
     *   "partition_time_window": {"start": "2026-11-24T10:00:00+00:00", "end": "2026-11-24T11:00:00+00:00"},
     *   "run_id": "6f1c2d3e-0000-4000-8000-000000000001",
     *   "job_name": "__ASSET_JOB",
     *   "retry_number": 1,
     *   "extras": {"exchange": "binance", "symbol": "BTC-USDT", "limit": 1000, "dry_run": True,
     *              "note": "caf\u00e9 \u20ac"}}}
     */
    static final String CONTEXT_DATA = "eJyFkcFOwzAMhl+lyhWqJd00QW8MuHDhsHKiKEobD8LaZErSbWXqu+O0wFS0aVEVyf7t77ebA5HCC5JGByKcA8/X0DoMX4lT1RbsZF0pDY5cR6SwRn/BxEiZ55ONsJ68YbY0EjgWOmU0L1r+R+mZY0gake30NCqNdFNVHWoba7aghS7hMu4wsj/yld40nofNfrWh+sf3OI4oShJMleONA8uDuZIgUVuJykF3aVgMlQ+rDyOShCbzmLE4mcWMppSS/0XcCv0OwzZ+gJ1sAi1PSmNXr2rgO6Wl2Z1DZn0fflf0LDtjbFQTTGyjuerr5itWJnIKMcUTz8J1Ey56PCxgP03BtajDcoTzu+XyMeNPz4sgWfC25bqpC7AoszDE3lsxPAvsy4+fv0IK1b99aHJtXZgqJBfZffyyfMhCtlK1CisytMVQIhdHxYS3DWBCG9+DSrHKG0rhNsqbhAp85677BhKi5Vc=";

    private PythonVectors() {
    }
}
