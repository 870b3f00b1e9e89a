package importjobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/redis/go-redis/v9"

	"github.com/albatross-va/albatross/domain/imports"
)

// Redis keeps jobs in Redis, shared by every process of a deployment. Its
// keys start with a prefix per deployment (see KeyPrefixFor), so
// deployments that share one Redis do not see each other's jobs. Under the
// prefix:
//
//	job:AIRLINE:ID   the job's status (JSON), expiring Retention.Finished after its last save
//	jobs:AIRLINE     the airline's job ids, scored by start (ms)
//	done:AIRLINE     its finished job ids, scored in the order they finished, for the Keep rule
//	seq:AIRLINE      the counter behind that order
//	file:AIRLINE:ID  a refused job's file, expiring after Retention.File
//
// The airline is part of every key, so another airline's job is never found.
type Redis struct {
	client *redis.Client
	prefix string
	r      imports.Retention
}

var _ imports.JobStore = (*Redis)(nil)

// KeyPrefixFor returns the key prefix of one deployment.
func KeyPrefixFor(deploymentID string) string { return "albatross:imports:" + deploymentID + ":" }

// NewRedis returns the store under prefix on client, keeping jobs as r
// says. The caller owns the client.
func NewRedis(client *redis.Client, prefix string, r imports.Retention) *Redis {
	return &Redis{client: client, prefix: prefix, r: r}
}

func (s *Redis) jobKey(airlineID, id string) string { return s.prefix + "job:" + airlineID + ":" + id }

// saveScript writes a status, indexes it, and when it is finished forgets
// the airline's earliest finished jobs beyond the keep count, in one step
// for every process. The job being saved has just finished, so it is never
// among them, however long ago it started.
//
//	KEYS: job, jobs, done, seq
//	ARGV: status, ttl (ms), start (ms), id, finished ("1"), keep, job key prefix of the airline
var saveScript = redis.NewScript(`
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4])
redis.call('PEXPIRE', KEYS[2], ARGV[2])
if ARGV[5] == '1' then
  redis.call('ZADD', KEYS[3], redis.call('INCR', KEYS[4]), ARGV[4])
  redis.call('PEXPIRE', KEYS[4], ARGV[2])
  redis.call('PEXPIRE', KEYS[3], ARGV[2])
  local over = redis.call('ZCARD', KEYS[3]) - tonumber(ARGV[6])
  if over > 0 then
    for _, id in ipairs(redis.call('ZRANGE', KEYS[3], 0, over - 1)) do
      redis.call('DEL', ARGV[7] .. id)
      redis.call('ZREM', KEYS[2], id)
      redis.call('ZREM', KEYS[3], id)
    end
  end
end
return 0
`)

// Save implements imports.JobStore.
func (s *Redis) Save(ctx context.Context, st imports.Status) error {
	b, err := json.Marshal(st)
	if err != nil {
		return fmt.Errorf("import jobs: encode %s: %w", st.ID, err)
	}
	finished := "0"
	if st.Finished() {
		finished = "1"
	}
	keys := []string{s.jobKey(st.AirlineID, st.ID), s.prefix + "jobs:" + st.AirlineID, s.prefix + "done:" + st.AirlineID, s.prefix + "seq:" + st.AirlineID}
	err = saveScript.Run(ctx, s.client, keys, b, s.r.Finished.Milliseconds(), st.Started.UnixMilli(), st.ID,
		finished, s.r.Keep, s.jobKey(st.AirlineID, "")).Err()
	if err != nil {
		return fmt.Errorf("import jobs: save %s: %w", st.ID, err)
	}
	return nil
}

// Get implements imports.JobStore.
func (s *Redis) Get(ctx context.Context, airlineID, id string) (imports.Status, error) {
	b, err := s.client.Get(ctx, s.jobKey(airlineID, id)).Bytes()
	if errors.Is(err, redis.Nil) {
		return imports.Status{}, imports.ErrNoSuchJob
	}
	if err != nil {
		return imports.Status{}, fmt.Errorf("import jobs: read %s: %w", id, err)
	}
	var st imports.Status
	if err := json.Unmarshal(b, &st); err != nil {
		return imports.Status{}, fmt.Errorf("import jobs: decode %s: %w", id, err)
	}
	return st, nil
}

// List implements imports.JobStore. Ids whose status expired are dropped
// from the indexes on the way.
func (s *Redis) List(ctx context.Context, airlineID string) ([]imports.Status, error) {
	index := s.prefix + "jobs:" + airlineID
	ids, err := s.client.ZRangeArgs(ctx, redis.ZRangeArgs{Key: index, Start: 0, Stop: -1, Rev: true}).Result()
	if err != nil || len(ids) == 0 {
		return nil, wrap("list", err)
	}
	keys := make([]string, len(ids))
	for i, id := range ids {
		keys[i] = s.jobKey(airlineID, id)
	}
	vals, err := s.client.MGet(ctx, keys...).Result()
	if err != nil {
		return nil, wrap("list", err)
	}
	var (
		out  []imports.Status
		gone []any
	)
	for i, v := range vals {
		raw, ok := v.(string)
		if !ok {
			gone = append(gone, ids[i])
			continue
		}
		var st imports.Status
		if err := json.Unmarshal([]byte(raw), &st); err != nil {
			return nil, fmt.Errorf("import jobs: decode %s: %w", ids[i], err)
		}
		out = append(out, st)
	}
	if len(gone) > 0 {
		_, err = s.client.TxPipelined(ctx, func(p redis.Pipeliner) error {
			p.ZRem(ctx, index, gone...)
			p.ZRem(ctx, s.prefix+"done:"+airlineID, gone...)
			return nil
		})
	}
	return out, wrap("list", err)
}

// KeepFile implements imports.JobStore.
func (s *Redis) KeepFile(ctx context.Context, airlineID, id string, file []byte) error {
	return wrap("keep the file of "+id, s.client.Set(ctx, s.prefix+"file:"+airlineID+":"+id, file, s.r.File).Err())
}

// TakeFile implements imports.JobStore: GETDEL hands the file to one caller.
func (s *Redis) TakeFile(ctx context.Context, airlineID, id string) ([]byte, error) {
	b, err := s.client.GetDel(ctx, s.prefix+"file:"+airlineID+":"+id).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, imports.ErrNoValidRows
	}
	if err != nil {
		return nil, fmt.Errorf("import jobs: take the file of %s: %w", id, err)
	}
	return b, nil
}

func wrap(what string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("import jobs: %s: %w", what, err)
}
