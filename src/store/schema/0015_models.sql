-- dangol store, schema version 15: stored prediction models (docs/churn.md). One row per trained
-- model, written in one transaction when training ends: what it predicts (kind), how (algorithm,
-- params), from what (as_of, horizon_days, features) and how well (metrics, the out-of-time
-- validation), with the model itself (XGBoost's JSON model, or the logistic weights as JSON), so
-- a score can be reproduced later. Rows are never changed (a trigger refuses UPDATE): a new
-- training is a new row. model_requests remembers each idempotency key's request. The model_
-- tables are not in the frame: they carry no frame snapshot triggers.
CREATE TABLE models (
    model_id     INTEGER PRIMARY KEY,
    kind         TEXT NOT NULL CHECK (kind IN ('churn')),
    algorithm    TEXT NOT NULL CHECK (algorithm IN ('xgboost', 'logistic')),
    as_of        INTEGER NOT NULL,     -- last labelled day (days since 1970-01-01)
    horizon_days INTEGER NOT NULL CHECK (horizon_days > 0),
    params       TEXT NOT NULL,        -- JSON: algorithm, trees, depth, eta, ..., seed
    features     TEXT NOT NULL,        -- JSON: [{name, importance}] in the model's column order
    metrics      TEXT NOT NULL,        -- JSON: training counts, validation of both algorithms
    model        BLOB NOT NULL,
    n_customers  INTEGER NOT NULL,     -- training rows
    created_at   INTEGER NOT NULL,     -- UTC seconds
    created_by   TEXT NOT NULL
);
CREATE INDEX models_kind ON models (kind, model_id);
CREATE TRIGGER models_no_update BEFORE UPDATE ON models
BEGIN SELECT RAISE(ABORT, 'a stored model is never changed; train a new one'); END;
CREATE TABLE model_requests (
    idempotency_key TEXT PRIMARY KEY,
    fingerprint     TEXT NOT NULL,     -- operation and arguments of the first request
    model_id        INTEGER NOT NULL REFERENCES models (model_id),
    recorded_at     INTEGER NOT NULL
);
