package telemetry

import (
	"context"
	"errors"
	"strings"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"
)

// QueryTextLimit is how many bytes of a statement's text a span keeps
// (db.query.text); the rest is cut.
const QueryTextLimit = 2048

// QueryTracer is a pgx tracer (pgx.QueryTracer, pgx.BatchTracer and
// pgx.CopyFromTracer) that makes a span per statement, of kind client, a
// child of the span in the statement's context:
//
//   - a statement's span is named after its sqlc query ("InsertFoods",
//     from the "-- name: InsertFoods :many" comment sqlc puts first), or
//     else its first keyword ("SELECT"); a batch's is "BATCH", with a
//     child per statement; a copy's "COPY <table>";
//   - its attributes: db.system.name (postgresql), db.namespace (the
//     database), server.address, server.port, db.query.text (the SQL, cut
//     at QueryTextLimit bytes; never the arguments), db.operation.name,
//     db.query.summary (the sqlc name), db.operation.batch.size and
//     db.collection.name (a copy's table), after OpenTelemetry's
//     semantic conventions for database spans;
//   - a statement that fails has status Error, the error as an event, and
//     error.type and db.response.status_code (PostgreSQL's SQLSTATE, for
//     an error from the server).
//
// Give it to a pool with db.WithTracer (db.Open), or as the Tracer of a
// pgxpool.Config's ConnConfig before db.Configure, which keeps it. Every
// pipelined chunk of a many-first call is a statement of its own.
type QueryTracer struct {
	tracer          trace.Tracer
	onlyWithinSpans bool
}

var (
	_ pgx.QueryTracer    = (*QueryTracer)(nil)
	_ pgx.BatchTracer    = (*QueryTracer)(nil)
	_ pgx.CopyFromTracer = (*QueryTracer)(nil)
)

// NewQueryTracer returns a QueryTracer that records through the
// TracerProvider the options give (the global one by default); with
// OnlyWithinSpans, only statements whose context carries a span are
// traced.
func NewQueryTracer(options ...Option) *QueryTracer {
	c := configure(options)
	return &QueryTracer{tracer: c.tracers.Tracer(instrumentation), onlyWithinSpans: c.onlyWithinSpans}
}

// TraceQueryStart starts a statement's span.
func (t *QueryTracer) TraceQueryStart(ctx context.Context, conn *pgx.Conn, data pgx.TraceQueryStartData) context.Context {
	if t.skip(ctx) {
		return ctx
	}
	name, summary, operation := describe(data.SQL)
	ctx, span := t.tracer.Start(ctx, name, trace.WithSpanKind(trace.SpanKindClient))
	if span.IsRecording() {
		span.SetAttributes(connAttributes(conn)...)
		span.SetAttributes(statementAttributes(data.SQL, summary, operation)...)
	}
	return ctx
}

// TraceQueryEnd ends a statement's span.
func (t *QueryTracer) TraceQueryEnd(ctx context.Context, _ *pgx.Conn, data pgx.TraceQueryEndData) {
	end(trace.SpanFromContext(ctx), data.Err)
}

// TraceBatchStart starts a batch's span.
func (t *QueryTracer) TraceBatchStart(ctx context.Context, conn *pgx.Conn, data pgx.TraceBatchStartData) context.Context {
	if t.skip(ctx) {
		return ctx
	}
	ctx, span := t.tracer.Start(ctx, "BATCH", trace.WithSpanKind(trace.SpanKindClient))
	if span.IsRecording() {
		span.SetAttributes(connAttributes(conn)...)
		if data.Batch != nil {
			span.SetAttributes(semconv.DBOperationBatchSize(data.Batch.Len()))
		}
	}
	return ctx
}

// TraceBatchQuery records a statement of a batch, once its result is
// read, as a child of the batch's span from when pgx began to read it.
func (t *QueryTracer) TraceBatchQuery(ctx context.Context, conn *pgx.Conn, data pgx.TraceBatchQueryData) {
	if !trace.SpanFromContext(ctx).IsRecording() {
		return // not traced, or not sampled
	}
	name, summary, operation := describe(data.SQL)
	options := []trace.SpanStartOption{trace.WithSpanKind(trace.SpanKindClient)}
	if !data.ReadStartTime.IsZero() {
		options = append(options, trace.WithTimestamp(data.ReadStartTime))
	}
	_, span := t.tracer.Start(ctx, name, options...)
	span.SetAttributes(connAttributes(conn)...)
	span.SetAttributes(statementAttributes(data.SQL, summary, operation)...)
	end(span, data.Err)
}

// TraceBatchEnd ends a batch's span.
func (t *QueryTracer) TraceBatchEnd(ctx context.Context, _ *pgx.Conn, data pgx.TraceBatchEndData) {
	end(trace.SpanFromContext(ctx), data.Err)
}

// TraceCopyFromStart starts a copy's span.
func (t *QueryTracer) TraceCopyFromStart(ctx context.Context, conn *pgx.Conn, data pgx.TraceCopyFromStartData) context.Context {
	if t.skip(ctx) {
		return ctx
	}
	table := strings.Join(data.TableName, ".")
	ctx, span := t.tracer.Start(ctx, "COPY "+table, trace.WithSpanKind(trace.SpanKindClient))
	if span.IsRecording() {
		span.SetAttributes(connAttributes(conn)...)
		span.SetAttributes(semconv.DBOperationName("COPY"), semconv.DBCollectionName(table))
	}
	return ctx
}

// TraceCopyFromEnd ends a copy's span.
func (t *QueryTracer) TraceCopyFromEnd(ctx context.Context, _ *pgx.Conn, data pgx.TraceCopyFromEndData) {
	end(trace.SpanFromContext(ctx), data.Err)
}

// skip reports whether a statement in ctx goes untraced.
func (t *QueryTracer) skip(ctx context.Context) bool {
	return t.onlyWithinSpans && !trace.SpanContextFromContext(ctx).IsValid()
}

// end ends a span, with the error a statement ended with, if any.
func end(span trace.Span, err error) {
	if err != nil && span.IsRecording() {
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) {
			span.SetAttributes(semconv.DBResponseStatusCode(pgErr.Code), semconv.ErrorTypeKey.String(pgErr.Code))
		} else {
			span.SetAttributes(semconv.ErrorType(err))
		}
		span.RecordError(err)
		span.SetStatus(codes.Error, err.Error())
	}
	span.End()
}

// connAttributes describe the database a connection is to.
func connAttributes(conn *pgx.Conn) []attribute.KeyValue {
	attrs := []attribute.KeyValue{semconv.DBSystemNamePostgreSQL}
	if conn == nil {
		return attrs
	}
	c := conn.Config()
	return append(attrs, semconv.DBNamespace(c.Database), semconv.ServerAddress(c.Host), semconv.ServerPort(int(c.Port)))
}

// statementAttributes describe a statement.
func statementAttributes(sql, summary, operation string) []attribute.KeyValue {
	attrs := make([]attribute.KeyValue, 0, 3)
	attrs = append(attrs, semconv.DBQueryText(truncate(sql, QueryTextLimit)))
	if operation != "" {
		attrs = append(attrs, semconv.DBOperationName(operation))
	}
	if summary != "" {
		attrs = append(attrs, semconv.DBQuerySummary(summary))
	}
	return attrs
}

// describe names a statement: the sqlc query's name (summary) from a
// leading "-- name: X :kind" comment, and the first keyword after the
// comments (operation), upper case; name is the first of them there is,
// or "postgresql".
func describe(sql string) (name, summary, operation string) {
	rest := strings.TrimSpace(sql)
	if after, ok := strings.CutPrefix(rest, "-- name: "); ok {
		summary, _, _ = strings.Cut(after, " ")
		summary, _, _ = strings.Cut(summary, "\n")
	}
	for strings.HasPrefix(rest, "--") {
		_, rest, _ = strings.Cut(rest, "\n")
		rest = strings.TrimSpace(rest)
	}
	if i := strings.IndexFunc(rest, func(r rune) bool { return r == ' ' || r == '\n' || r == '\t' || r == '\r' || r == '(' || r == ';' }); i >= 0 {
		rest = rest[:i]
	}
	if operation = strings.ToUpper(rest); operation == "WITH" {
		operation = "" // the statement's own comes after its CTEs
	}
	switch {
	case summary != "":
		return summary, summary, operation
	case operation != "":
		return operation, "", operation
	}
	return "postgresql", "", ""
}

// truncate cuts s to at most n bytes, on a character's boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
