package many

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
)

// Statement is one many-first statement, which the engine runs on chunks
// of at most ChunkSize inputs: its SQL, the arguments it takes for a chunk
// (Args: an array per column, such as Column makes, and any values of its
// own), and where the columns of a row it returns are read into (Dest:
// the address of each field, in the order of its columns). The plugin
// generates one for each marked query:
//
//	many.Statement[NewWidget, Widget]{SQL: insertWidgetsSQL, Args: insertWidgetsArgs, Dest: widgetDest}
//
// The engine runs a call of one chunk as one statement. A call of several
// runs them in one transaction and pipelines them: the arguments of the
// next chunk are encoded and sent while PostgreSQL runs the chunk before,
// whose rows are read while PostgreSQL runs the next.
type Statement[In, Row any] struct {
	SQL  string
	Args func(in []In) []any
	Dest func(row *Row) []any

	run func(ctx context.Context, dbtx DBTX, in []In) ([]Row, error) // Rows's
}

// Rows makes a Statement of a function that runs a chunk itself and
// returns its rows in a slice of its own, such as a method of sqlc's
// Queries. Its chunks run one after another, not pipelined.
func Rows[In, Row any](run func(ctx context.Context, dbtx DBTX, in []In) ([]Row, error)) Statement[In, Row] {
	return Statement[In, Row]{run: run}
}

// once runs s on in as one statement and appends its rows to out.
func (s Statement[In, Row]) once(ctx context.Context, dbtx DBTX, in []In, out []Row) ([]Row, error) {
	if s.run != nil {
		rows, err := s.run(ctx, dbtx, in)
		return append(out, rows...), err
	}
	return Query(ctx, dbtx, s.SQL, s.Dest, out, s.Args(in)...)
}

// Query runs sql with args on dbtx and appends the rows it returns to
// out, each read into the targets dest gives for it. Every row is read
// into one value, zeroed first, and copied into out.
func Query[Row any](ctx context.Context, dbtx DBTX, sql string, dest func(row *Row) []any, out []Row, args ...any) ([]Row, error) {
	rows, err := dbtx.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var row, zero Row
	targets := dest(&row)
	for rows.Next() {
		row = zero
		if err := rows.Scan(targets...); err != nil {
			return nil, err
		}
		out = append(out, row)
	}
	return out, rows.Err()
}

// chunked runs s on consecutive chunks of at most chunkSize of in, in tx,
// appending their rows to out: pipelined on tx's connection, or one after
// another for a statement of Rows.
func (s Statement[In, Row]) chunked(ctx context.Context, tx pgx.Tx, in []In, out []Row) ([]Row, error) {
	conn := tx.Conn()
	if s.run != nil || conn == nil {
		for lo := 0; lo < len(in); lo += chunkSize {
			var err error
			if out, err = s.once(ctx, tx, in[lo:min(lo+chunkSize, len(in))], out); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	return s.pipelined(ctx, conn, in, out)
}

// pipelined runs s on the chunks of in on conn, inside the transaction
// its caller holds open, with at most two statements in flight: chunk k+1
// is encoded and sent before the rows of chunk k are read. The statement
// is described once (the types of its parameters and columns) and sent
// unnamed, so that PostgreSQL plans each chunk for the values it carries.
// The connection's tracer sees each chunk as a query.
func (s Statement[In, Row]) pipelined(ctx context.Context, conn *pgx.Conn, in []In, out []Row) ([]Row, error) {
	sd, err := conn.Prepare(ctx, "", s.SQL)
	if err != nil {
		return nil, err
	}
	tracer, _ := conn.Config().Tracer.(pgx.QueryTracer)
	p := pipeline[Row]{conn: conn, sd: sd, tracer: tracer, pipe: conn.PgConn().StartPipeline(ctx)}
	var row Row
	targets := s.Dest(&row)
	chunk := func(lo int) []In { return in[lo:min(lo+chunkSize, len(in))] }
	if err := p.send(ctx, s.SQL, s.Args(chunk(0))); err != nil {
		return nil, p.abort(err)
	}
	for lo := 0; lo < len(in); lo += chunkSize {
		if next := lo + chunkSize; next < len(in) {
			if err := p.send(ctx, s.SQL, s.Args(chunk(next))); err != nil {
				return nil, p.abort(err)
			}
		}
		if out, err = p.read(&row, targets, out); err != nil {
			return nil, p.abort(err)
		}
	}
	return out, p.close()
}

// pipeline is the state of one pipelined call: its connection, its
// statement's description and what has been sent and not yet read.
type pipeline[Row any] struct {
	conn   *pgx.Conn
	sd     *pgconn.StatementDescription
	tracer pgx.QueryTracer // nil for none
	pipe   *pgconn.Pipeline
	params params
	plans  []pgtype.ScanPlan
	sent   []context.Context // the trace context of each statement in flight, oldest first
}

// send encodes args and sends the statement with them, asking PostgreSQL
// to send its rows as soon as it has them.
func (p *pipeline[Row]) send(ctx context.Context, sql string, args []any) error {
	if p.tracer != nil {
		ctx = p.tracer.TraceQueryStart(ctx, p.conn, pgx.TraceQueryStartData{SQL: sql, Args: args})
	}
	p.sent = append(p.sent, ctx)
	if err := p.params.encode(p.conn.TypeMap(), p.sd, args); err != nil {
		return err
	}
	p.pipe.SendQueryParams(sql, p.params.values, p.sd.ParamOIDs, p.params.formats, p.params.results)
	p.pipe.SendFlushRequest()
	return p.pipe.Flush()
}

// params are a statement's parameters in the wire format, for one chunk
// after another: their bytes stay in one buffer, which the first chunk
// sizes and the next ones reuse (a chunk's bytes are copied into its
// message when it is sent).
type params struct {
	buf     []byte
	ends    []int // where each value ends in buf; -1 for NULL
	values  [][]byte
	formats []int16
	results []int16 // the format of each result column
}

// encode writes args as sd's parameters, each in the format pgx would
// send it in (text for a Go string, else binary where the type has it),
// trying the other format when that one fails, as pgx does.
func (p *params) encode(m *pgtype.Map, sd *pgconn.StatementDescription, args []any) error {
	if len(args) != len(sd.ParamOIDs) {
		return fmt.Errorf("%d arguments for %d parameters", len(args), len(sd.ParamOIDs))
	}
	if p.buf == nil {
		p.buf = make([]byte, 0, 128) // a value of no bytes is then empty, not NULL (nil)
	}
	p.buf, p.ends, p.values, p.formats = p.buf[:0], p.ends[:0], p.values[:0], p.formats[:0]
	for i, arg := range args {
		oid := sd.ParamOIDs[i]
		format := m.FormatCodeForOID(oid)
		switch arg.(type) {
		case string, *string:
			format = pgtype.TextFormatCode
		}
		start := len(p.buf)
		buf, err := m.Encode(oid, format, arg, p.buf)
		if err != nil {
			format = pgtype.BinaryFormatCode + pgtype.TextFormatCode - format // the other one
			if buf, err = m.Encode(oid, format, arg, p.buf); err != nil {
				return fmt.Errorf("argument %d: %w", i+1, err)
			}
		}
		end := -1
		if buf != nil {
			p.buf, end = buf, len(buf)
		} else {
			p.buf = p.buf[:start]
		}
		p.ends = append(p.ends, end)
		p.formats = append(p.formats, format)
	}
	start := 0
	for _, end := range p.ends {
		if end < 0 {
			p.values = append(p.values, nil)
			continue
		}
		p.values = append(p.values, p.buf[start:end:end])
		start = end
	}
	if p.results == nil {
		for _, f := range sd.Fields {
			p.results = append(p.results, m.FormatCodeForOID(f.DataTypeOID))
		}
	}
	return nil
}

// read reads the rows of the oldest statement in flight into row, through
// targets, and appends them to out.
func (p *pipeline[Row]) read(row *Row, targets []any, out []Row) (_ []Row, err error) {
	ctx := p.sent[0]
	p.sent = p.sent[1:]
	var tag pgconn.CommandTag
	if p.tracer != nil {
		defer func() { p.tracer.TraceQueryEnd(ctx, p.conn, pgx.TraceQueryEndData{CommandTag: tag, Err: err}) }()
	}
	res, err := p.pipe.GetResults()
	if err != nil {
		return nil, err
	}
	rr, ok := res.(*pgconn.ResultReader)
	if !ok {
		return nil, fmt.Errorf("pipeline: %T where rows were expected", res)
	}
	if p.plans == nil {
		m := p.conn.TypeMap()
		for i, f := range rr.FieldDescriptions() {
			if i < len(targets) {
				p.plans = append(p.plans, m.PlanScan(f.DataTypeOID, f.Format, targets[i]))
			}
		}
	}
	var zero Row
	for rr.NextRow() {
		values := rr.Values()
		if len(values) != len(targets) {
			rr.Close()
			return nil, fmt.Errorf("%d columns read into %d targets", len(values), len(targets))
		}
		*row = zero
		for i, v := range values {
			if err := p.plans[i].Scan(v, targets[i]); err != nil {
				rr.Close()
				return nil, pgx.ScanArgError{ColumnIndex: i, FieldName: rr.FieldDescriptions()[i].Name, Err: err}
			}
		}
		out = append(out, *row)
	}
	tag, err = rr.Close()
	return out, err
}

// close ends the pipeline once every statement is read: its sync point,
// then normal mode again.
func (p *pipeline[Row]) close() error {
	if err := p.pipe.Sync(); err != nil {
		return err
	}
	for {
		res, err := p.pipe.GetResults()
		if err != nil {
			return err
		}
		if _, ok := res.(*pgconn.PipelineSync); ok || res == nil {
			return p.pipe.Close()
		}
	}
}

// abort ends a pipeline that failed with err: statements still in flight
// end in their tracer with err, and the connection returns to normal mode
// (the caller's transaction then rolls back).
func (p *pipeline[Row]) abort(err error) error {
	if p.tracer != nil {
		for _, ctx := range p.sent {
			p.tracer.TraceQueryEnd(ctx, p.conn, pgx.TraceQueryEndData{Err: err})
		}
	}
	p.sent = nil
	p.pipe.Close()
	return err
}
