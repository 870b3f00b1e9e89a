-- +goose Up
-- The first round trip of an append, as one statement: take the stream's
-- lock, then read the stream's version and the command id's first result.
-- In a VOLATILE function each query takes a fresh snapshot, so the reads
-- see every append that held the lock before; the lock assigns no
-- transaction id, so the append's first write still comes after it (see
-- store/postgres/eventstore.go). One statement instead of three matters
-- when PostgreSQL's CPU is what limits concurrent appends.
-- +goose StatementBegin
CREATE FUNCTION albatross_begin_append(p_stream text, p_command text)
RETURNS TABLE (current_version bigint, cmd_stream text, cmd_from bigint, cmd_to bigint, cmd_commit bigint, cmd_seq bigint)
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended(p_stream, 0));
    RETURN QUERY
    SELECT (SELECT coalesce(max(ev.version), 0) FROM events ev WHERE ev.stream_id = p_stream),
           c.stream_id, c.from_version, c.to_version, e.commit_tx, e.seq
    FROM (SELECT 1) AS one
    LEFT JOIN event_commands c ON c.command_id = p_command
    LEFT JOIN events e ON e.stream_id = c.stream_id AND e.version = c.to_version;
END;
$$;
-- +goose StatementEnd

-- +goose Down
DROP FUNCTION albatross_begin_append(text, text);
