package main

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/larderhq/larder/many"
)

// report collects the results and writes them as Markdown.
type report struct {
	sizes    []int
	results  map[key]result
	returned float64 // bytes: the heap the rows of the largest many-first insert keep
	settled  bool    // whether each timed run started after a checkpoint
	cpu      bool    // whether PostgreSQL's CPU time was read (serverCPU)
	command  string  // the command line that made the report
}

type key struct {
	op, way string
	n       int
}

func (r *report) add(op, way string, n int, res result) {
	if r.results == nil {
		r.results = map[key]result{}
	}
	r.results[key{op, way, n}] = res
}

func (r *report) largest() int { return r.sizes[len(r.sizes)-1] }

// ratio is how many times as fast as base way ran: the median, over the
// rounds both ran, of base's time over way's in the same round, 0 when
// either is missing. A round runs the ways one after another, so a slow
// spell of the machine that lasts a round weighs on both sides of its
// ratio, where the ways' fastest runs may come from different spells.
func (r *report) ratio(op, way, base string, n int) float64 {
	a, b := r.results[key{op, way, n}].Times, r.results[key{op, base, n}].Times
	rounds := min(len(a), len(b))
	if rounds == 0 {
		return 0
	}
	ratios := make([]float64, rounds)
	for i := range rounds {
		ratios[i] = b[i].Seconds() / a[i].Seconds()
	}
	slices.Sort(ratios)
	if rounds%2 == 1 {
		return ratios[rounds/2]
	}
	return (ratios[rounds/2-1] + ratios[rounds/2]) / 2
}

func (r *report) write(w io.Writer, m machine, took time.Duration) error {
	p := func(format string, args ...any) { fmt.Fprintf(w, format, args...) }
	p("# Benchmarks\n\n")
	p("Larder's many-first data layer against the other ways Go code talks to PostgreSQL, on the same data in one run\n")
	p("(`tests/bench`). Regenerate this file with:\n\n```sh\nmake bench-doc    # %s\n```\n\n", r.command)
	p("`make bench` prints a report to the terminal. Figures from another machine, or another run, differ: the ratios,\n")
	p("measured side by side, are what carries over.\n\n")
	where := "on the same machine"
	if m.Latency > 0 {
		where += fmt.Sprintf(", behind a proxy set to add %v to every round trip (`-latency`; the round trip below is what it came to)", m.Latency)
		p("This run stands for a database on another machine: every byte between Go and PostgreSQL arrives half of\n")
		p("%v late, each way. The targets below were set for the database on loopback (docs/BENCHMARKS.md);\n", m.Latency)
		p("here they show how far each ratio moves when a round trip costs more.\n\n")
	}
	p("| machine | |\n|---|---|\n| CPU | %s (%d cores) |\n| memory | %s |\n| OS | %s |\n| Go | %s |\n| PostgreSQL | %s, %s |\n",
		m.CPU, m.Cores, m.Memory, m.OS, m.Go, m.PostgreSQL, where)
	p("| round trip | %.0f µs (`SELECT 1`, median of %d) |\n| run | %s, %v |\n\n",
		float64(m.RoundTrip)/float64(time.Microsecond), roundTrips, time.Now().UTC().Format("2006-01-02"), took.Round(time.Second))
	p("Each way runs at each size on an emptied (or freshly filled) table, a few times (%s).\n", runsText(r.sizes))
	p("The ways take turns, one round after another, so that a slow spell of the machine falls on all of them alike.\n")
	p("Rows/s is a way's fastest run. A ratio (× CopyFrom, × per-row loop, the Targets) is the median, over the rounds,\n")
	p("of the two ways' times in the same round: a spell that slows one round weighs on both sides of its ratio.\n")
	if r.settled {
		p("Every timed run starts after a `CHECKPOINT`, so that none pays for writing out the pages the run before it dirtied")
	} else {
		p("The role could not `CHECKPOINT` between runs, so a run may pay for writing out the pages the run before it dirtied")
	}
	p(".\nAllocations and bytes are per row, from one more run. The foods\n")
	p("are the bench user's, each with a brand and a unique barcode; every way but COPY returns the rows it wrote.\n\n")
	p("Larder's ways run on a pool from `db.Open`; the others on a pool as a pgx user opens one: named prepared\n")
	p("statements, cached per connection, and the server's default plan cache, so that a per-row statement is planned\n")
	p("once, not on every run. Both pools register the same types (`many.Register`), so what differs is how the rows\n")
	p("travel, not how values are encoded.\n\n")

	p("## Targets\n\n| target | measured | |\n|---|---:|---|\n")
	// target writes a row: got must be at least want, or with atMost at
	// most want.
	target := func(what string, got, want float64, atMost bool) {
		met, sign := got >= want, "≥"
		if atMost {
			met, sign = got <= want, "≤"
		}
		mark := "met"
		if !met {
			mark = "**missed**"
		}
		p("| %s | %.3f | %s (%s %.2g) |\n", what, got, mark, sign, want)
	}
	for _, t := range []struct {
		what    string
		op, way string
		base    string
		n       int
		want    float64
	}{
		{"many-first insert, 10,000 rows, × CopyFrom", "insert", wayMany, wayCopy, 10_000, 0.75},
		{"many-first insert, 100,000 rows, × CopyFrom", "insert", wayMany, wayCopy, 100_000, 0.7},
		{"bulk load, 100,000 rows, × CopyFrom", "insert", wayBulk, wayCopy, 100_000, 0.9},
		{"action, 10,000 rows, × many-first insert", "insert", wayAction, wayMany, 10_000, 0.8},
		{"select by 1,000 ids, × per-row loop", "select by id", wayCall, wayRowLoop, 1_000, 20},
		{"update of 10,000 rows, × COPY + UPDATE … FROM", "update", wayCall, wayCopyUpdate, 10_000, 0.9},
	} {
		if _, ok := r.results[key{t.op, t.way, t.n}]; ok {
			target(t.what, r.ratio(t.op, t.way, t.base, t.n), t.want, false)
		}
	}
	// A per-row update loop pays a round trip per row, the many-first
	// update one per chunk; on loopback the server's own work per row
	// caps the ratio at about 6×, so the target is for a network's round
	// trip (-latency 200us).
	if _, ok := r.results[key{"update", wayCall, 10_000}]; ok {
		got := r.ratio("update", wayCall, wayRowLoop, 10_000)
		if m.Latency >= 200*time.Microsecond {
			target("update of 10,000 rows, × per-row loop", got, 10, false)
		} else {
			p("| update of 10,000 rows, × per-row loop | %.3f | the target (≥ 10) is across a network: `-latency 200us` |\n", got)
		}
	}
	n := r.largest()
	manyAt := r.results[key{"insert", wayMany, n}]
	if manyAt.Allocs > 0 {
		target(fmt.Sprintf("many-first insert, %s rows, allocations per row", thousands(n)), manyAt.Allocs, 8, true)
	}
	copyPeak := r.results[key{"insert", wayCopy, n}].Peak
	if copyPeak > 0 && r.returned > 0 {
		target(fmt.Sprintf("many-first insert, %s rows, peak heap × (CopyFrom's peak + the returned rows)", thousands(n)),
			manyAt.Peak/(copyPeak+r.returned), 1.5, true)
	}
	p("\n")
	p("The peak heap is the whole Go heap's, sampled every %v during the call: the input every way holds, what the\n", sampleEvery)
	p("way builds, and the garbage the collector has not yet swept (GOGC=100 lets the heap grow to about twice what\n")
	p("is live). Every insert but COPY also returns the rows it wrote: the many-first insert's peak holds the input,\n")
	p("the returned `[]db.Food` and one chunk (%d rows) of arrays in flight. A per-row loop holds only what it has\n", many.ChunkSize)
	p("returned so far, and a pgx Batch all the queued statements. A bulk load that needs no rows back is `db.CopyFoods`.\n\n")
	if copyAbove := r.results[key{"insert", wayCopy, n}].Above; r.returned > 0 && copyAbove > 0 {
		manyAbove := r.results[key{"insert", wayMany, n}].Above
		p("The %d rows `db.InsertFoods` returns keep %.1f MB of heap by themselves (the live heap with the rows held,\n", n, r.returned/1e6)
		p("less the live heap once they are dropped): %.2f× the %.1f MB that CopyFrom's peak adds to the heap. Less those\n", r.returned/copyAbove, copyAbove/1e6)
		p("rows, the many-first insert's peak adds %.1f MB, %.2f× CopyFrom's.\n\n", (manyAbove-r.returned)/1e6, (manyAbove-r.returned)/copyAbove)
	}

	r.table(w, "Insert foods", "insert", insertWays, wayCopy, "× CopyFrom")
	if many, copied, ok := r.cpuPair("insert", wayMany, wayCopy, 10_000); ok {
		p("Server µs/row, in this table and those below, is the CPU time PostgreSQL's processes (autovacuum's left out)\n")
		p("spent per row, the least of up to %d untimed runs, read from /proc. At 10,000 rows PostgreSQL spends %.1f µs a\n", cpuRuns, many/1e3)
		p("row on the many-first insert and %.1f on CopyFrom (%.2f×). INSERT … SELECT unnest(…) inserts a row at a time,\n", copied/1e3, many/copied)
		p("each with its own heap insertion and WAL record, where COPY fills a page at a time. While PostgreSQL runs one\n")
		p("chunk, Go encodes the next and reads the rows of the one before, so the call keeps PostgreSQL busy: PostgreSQL's\n")
		p("work, not the Go side, sets its ratio to CopyFrom. The CPU time is read in runs of its own and moves with the\n")
		p("machine's speed from run to run, as the timed runs do.\n\n")
	}
	copyAbove := r.results[key{"insert", wayCopy, n}].Above
	p("Peak Go heap during the insert of %d rows, in MB: the whole heap (the input included), and above the heap before\n", n)
	p("the call (the input, already there, left out):\n\n| way | peak | × CopyFrom | above before | × CopyFrom |\n|---|---:|---:|---:|---:|\n")
	for _, way := range insertWays {
		res := r.results[key{"insert", way, n}]
		p("| %s | %.1f | %.2f | %.1f | %.2f |\n", way, res.Peak/1e6, safeDiv(res.Peak, copyPeak), res.Above/1e6, safeDiv(res.Above, copyAbove))
	}
	p("\n")
	notes := map[string]string{
		"update": "Every way does the same work per row on the server: a new version of the row (the table was just filled, so\n" +
			"no page has room for a HOT update) and an entry in each of foods' four indexes, the trigram one included. What\n" +
			"the loop adds is a round trip per row (the machine table gives a `SELECT 1`'s), so its ratio is about\n" +
			"(round trip + update) / update: larger where the database is across a network, smaller on a fast loopback.\n" +
			"`-latency` runs the bench as across a network (docs/BENCHMARKS-network.md). COPY + UPDATE … FROM is the bulk\n" +
			"update without arrays: the changes copied into a temporary table (`ON COMMIT DROP`), then one UPDATE joined to\n" +
			"it, in one transaction, returning the rows. The way after it in the table first locks the rows with a\n" +
			"`SELECT … ORDER BY id FOR UPDATE`, as the many-first update does.\n\n",
		"delete": "Deleting a food checks, per row and in both ways, the four foreign keys that point at foods (tags, pantry,\n" +
			"recipes, journal).\n\n",
	}
	for _, op := range []string{"select by id", "update", "delete"} {
		ways := []string{wayRowLoop, wayCall}
		if op == "update" {
			ways = updateWays
		}
		r.table(w, "Foods: "+op, op, ways, wayRowLoop, "× loop")
		p("%s", notes[op])
		if op == "update" {
			r.updateCPU(p)
		}
	}
	return nil
}

// updateCPU writes what PostgreSQL's CPU time says of the many-first
// update against COPY + UPDATE … FROM, when it was read.
func (r *report) updateCPU(p func(format string, args ...any)) {
	if many, copied, ok := r.cpuPair("update", wayCall, wayCopyUpdate, 10_000); ok {
		locked := r.results[key{"update", wayCopyUpdateLocked, 10_000}].ServerCPU
		p("At 10,000 rows PostgreSQL spends %.1f µs of CPU a row on the many-first update and %.1f on COPY + UPDATE …\n", many/1e3, copied/1e3)
		p("FROM (%.2f×). The many-first update locks its rows in id order before it writes them (`SELECT … ORDER BY id\n", many/copied)
		p("FOR UPDATE`), so that concurrent updates of overlapping rows cannot deadlock; the plain UPDATE … FROM locks\n")
		p("each row when its join reaches it, in no promised order. Locked in id order first, COPY + UPDATE … FROM spends\n")
		p("%.1f µs a row, and the many-first update runs at %.2f× its speed.\n\n", locked/1e3, r.ratio("update", wayCall, wayCopyUpdateLocked, 10_000))
	}
}

// cpuPair is the CPU time PostgreSQL spent per row on way and on base at n
// rows, when both were read.
func (r *report) cpuPair(op, way, base string, n int) (wayCPU, baseCPU float64, ok bool) {
	wayCPU, baseCPU = r.results[key{op, way, n}].ServerCPU, r.results[key{op, base, n}].ServerCPU
	return wayCPU, baseCPU, wayCPU > 0 && baseCPU > 0
}

// table writes one operation's results, size by size.
func (r *report) table(w io.Writer, title, op string, ways []string, base, vs string) {
	head, rule := "| rows | way | rows/s | "+vs+" | allocs/row | B/row |", "|---:|---|---:|---:|---:|---:|"
	if r.cpu {
		head, rule = head+" server µs/row |", rule+"---:|"
	}
	fmt.Fprintf(w, "## %s\n\n%s\n%s\n", title, head, rule)
	for _, n := range r.sizes {
		for _, way := range ways {
			res, ok := r.results[key{op, way, n}]
			if !ok {
				continue
			}
			fmt.Fprintf(w, "| %d | %s | %.0f | %.2f | %.1f | %.0f |", n, way, res.rate(n), r.ratio(op, way, base, n), res.Allocs, res.Bytes)
			if r.cpu {
				fmt.Fprintf(w, " %.1f |", res.ServerCPU/1e3)
			}
			fmt.Fprintln(w)
		}
	}
	fmt.Fprintln(w)
}

func safeDiv(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

// runsText says how many timed runs each size gets (reps), as in "20 at
// 100 rows, 10 at 1,000, 5 at 10,000 and 100,000; per-row ways run once at
// 100,000".
func runsText(sizes []int) string {
	var groups []string
	for i := 0; i < len(sizes); {
		runs := reps(sizes[i], false)
		var same []string
		for ; i < len(sizes) && reps(sizes[i], false) == runs; i++ {
			item := thousands(sizes[i])
			if i == 0 {
				item += " rows"
			}
			same = append(same, item)
		}
		groups = append(groups, fmt.Sprintf("%d at %s", runs, andList(same)))
	}
	text := strings.Join(groups, ", ")
	var once []string
	for _, n := range sizes {
		if reps(n, true) == 1 {
			once = append(once, thousands(n))
		}
	}
	if len(once) > 0 {
		text += "; per-row ways run once at " + andList(once)
	}
	return text
}

// thousands writes n with commas: 100,000.
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// andList joins items as "a, b and c".
func andList(items []string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}
