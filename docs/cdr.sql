-- The table mgcd's PostgreSQL CDR sink writes to (docs/cdr.md; callcontrol/cdr_postgres.h).
-- Column order is the sink's INSERT and spool order. Times are UTC (timestamptz).
CREATE TABLE IF NOT EXISTS cdr (
  -- <instance>-<call>-stop, or <instance>-<call>-i<second of the call> for an interim record:
  -- unique, so a batch sent again after a lost connection adds nothing (ON CONFLICT DO NOTHING)
  record_id       text PRIMARY KEY,
  -- RFC 2866 §5.1 Acct-Status-Type: 'interim' (Interim-Update) while an answered call lasts,
  -- 'stop' once when it ends
  record_type     text NOT NULL CHECK (record_type IN ('interim', 'stop')),
  seizure         timestamptz NOT NULL,
  answer          timestamptz,          -- NULL: never answered
  record_time     timestamptz NOT NULL, -- stop: the release; interim: when it was written
  direction       text,                 -- sip-to-pstn, pstn-to-sip, pstn-to-pstn
  calling         text,
  called          text,
  trunk_group     text,                 -- the (incoming, for transit) trunk group
  cic             integer,
  sip_call_id     text,
  cause           smallint,             -- Q.850 cause value; NULL in an interim record
  cause_location  smallint,
  released_by     text,                 -- sip, pstn, gateway
  duration_ms     bigint NOT NULL,      -- answer to record_time
  setup_ms        bigint NOT NULL,      -- seizure to answer (or release)
  trunk_group_out text,                 -- a transit call's outgoing trunk group and circuit
  cic_out         integer,
  attempts        smallint NOT NULL     -- route targets the call was offered to
);
CREATE INDEX IF NOT EXISTS cdr_record_time ON cdr (record_time) WHERE record_type = 'stop';
CREATE INDEX IF NOT EXISTS cdr_call ON cdr (sip_call_id);

-- ASR per trunk group over the last hour (ITU-T E.411 §2.2 answer seizure ratio: seizures
-- that were answered / seizures), from the stop records:
--
-- SELECT coalesce(trunk_group_out, trunk_group) AS trunk_group,
--        count(*) AS seizures,
--        count(answer) AS answered,
--        round(100.0 * count(answer) / count(*), 1) AS asr_percent
--   FROM cdr
--  WHERE record_type = 'stop' AND record_time > now() - interval '1 hour'
--  GROUP BY 1 ORDER BY 1;
