package jobs

import (
	"errors"
	"fmt"
	"math/bits"
	"strconv"
	"strings"
	"time"
)

// cronSchedule is a standard five-field cron expression, parsed: the
// minutes, hours, days of the month, months and days of the week it runs
// at, as bit sets, in UTC.
type cronSchedule struct {
	minute, hour, dom, month, dow uint64
	// Whether the day fields were "*": as in cron, a day matches both
	// day fields when either is "*", and either of them when neither is.
	domAny, dowAny bool
}

// cronField is one field's range and the names it accepts.
type cronField struct {
	name     string
	min, max int
	names    []string // names[i] stands for min+i
}

var (
	cronMinute = cronField{name: "minute", min: 0, max: 59}
	cronHour   = cronField{name: "hour", min: 0, max: 23}
	cronDom    = cronField{name: "day of month", min: 1, max: 31}
	cronMonth  = cronField{name: "month", min: 1, max: 12,
		names: []string{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}}
	cronDow = cronField{name: "day of week", min: 0, max: 7, // 7 is Sunday too
		names: []string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}}
)

// cronDescriptors are the expressions that have a name.
var cronDescriptors = map[string]string{
	"@yearly":   "0 0 1 1 *",
	"@annually": "0 0 1 1 *",
	"@monthly":  "0 0 1 * *",
	"@weekly":   "0 0 * * 0",
	"@daily":    "0 0 * * *",
	"@midnight": "0 0 * * *",
	"@hourly":   "0 * * * *",
}

// cronHorizon is how far ahead next looks: long enough for any date that
// exists (February 29th comes within eight years).
const cronHorizon = 8 * 366 * 24 * time.Hour

// parseCron parses a five-field cron expression (minute, hour, day of
// month, month, day of week; each field a list of *, n, a-b, with /step,
// months and days also by their English names' first three letters) or
// a descriptor (@daily, @hourly, ...). An expression that names no date
// that exists ("0 0 30 2 *") is an error.
func parseCron(expr string) (*cronSchedule, error) {
	if d, ok := cronDescriptors[strings.ToLower(strings.TrimSpace(expr))]; ok {
		expr = d
	}
	parts := strings.Fields(expr)
	if len(parts) != 5 {
		return nil, fmt.Errorf("want five fields (minute hour day-of-month month day-of-week) or a descriptor such as @daily, not %d fields", len(parts))
	}
	s := &cronSchedule{domAny: strings.HasPrefix(parts[2], "*"), dowAny: strings.HasPrefix(parts[4], "*")}
	for i, f := range []struct {
		set   *uint64
		field cronField
	}{{&s.minute, cronMinute}, {&s.hour, cronHour}, {&s.dom, cronDom}, {&s.month, cronMonth}, {&s.dow, cronDow}} {
		set, err := f.field.parse(parts[i])
		if err != nil {
			return nil, err
		}
		*f.set = set
	}
	if s.dow&(1<<7) != 0 {
		s.dow |= 1 // 7 is Sunday
	}
	start := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	if s.next(start).IsZero() {
		return nil, errors.New("it names no date that exists")
	}
	return s, nil
}

// parse reads one field into a bit set.
func (f cronField) parse(text string) (uint64, error) {
	var set uint64
	for item := range strings.SplitSeq(text, ",") {
		rng, stepText, hasStep := strings.Cut(item, "/")
		lo, hi := f.min, f.max
		if rng != "*" {
			a, b, isRange := strings.Cut(rng, "-")
			var err error
			if lo, err = f.value(a); err != nil {
				return 0, err
			}
			hi = lo
			switch {
			case isRange:
				if hi, err = f.value(b); err != nil {
					return 0, err
				}
			case hasStep:
				hi = f.max // a/n: from a to the end
			}
			if hi < lo {
				return 0, fmt.Errorf("%s: %q runs backwards", f.name, rng)
			}
		}
		step := 1
		if hasStep {
			n, err := strconv.Atoi(stepText)
			if err != nil || n < 1 {
				return 0, fmt.Errorf("%s: %q is not a step", f.name, stepText)
			}
			step = n
		}
		for v := lo; v <= hi; v += step {
			set |= 1 << v
		}
	}
	return set, nil
}

// value reads a number or a name of the field.
func (f cronField) value(text string) (int, error) {
	for i, name := range f.names {
		if strings.EqualFold(text, name) {
			return f.min + i, nil
		}
	}
	v, err := strconv.Atoi(text)
	if err != nil || v < f.min || v > f.max {
		return 0, fmt.Errorf("%s: %q is not from %d to %d", f.name, text, f.min, f.max)
	}
	return v, nil
}

// next is the first time the schedule names strictly after after, in UTC,
// or the zero time when there is none within cronHorizon.
func (s *cronSchedule) next(after time.Time) time.Time {
	t := after.UTC().Truncate(time.Minute).Add(time.Minute)
	end := t.Add(cronHorizon)
	for t.Before(end) {
		switch {
		case s.month&(1<<int(t.Month())) == 0:
			t = time.Date(t.Year(), t.Month()+1, 1, 0, 0, 0, 0, time.UTC)
		case !s.dayMatches(t):
			t = time.Date(t.Year(), t.Month(), t.Day()+1, 0, 0, 0, 0, time.UTC)
		case s.hour&(1<<t.Hour()) == 0:
			t = t.Truncate(time.Hour).Add(time.Hour)
		case s.minute&(1<<t.Minute()) == 0:
			// The next minute of the set within this hour, else the hour's end.
			if later := s.minute >> (t.Minute() + 1); later != 0 {
				t = t.Add(time.Duration(bits.TrailingZeros64(later)+1) * time.Minute)
			} else {
				t = t.Truncate(time.Hour).Add(time.Hour)
			}
		default:
			return t
		}
	}
	return time.Time{}
}

func (s *cronSchedule) dayMatches(t time.Time) bool {
	dom := s.dom&(1<<t.Day()) != 0
	dow := s.dow&(1<<int(t.Weekday())) != 0
	if s.domAny || s.dowAny {
		return dom && dow
	}
	return dom || dow
}
