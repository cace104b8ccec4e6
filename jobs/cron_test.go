package jobs

import (
	"strings"
	"testing"
	"time"
)

func TestCronNextRun(t *testing.T) {
	t.Parallel()
	utc := func(y int, mo time.Month, d, h, mi int) time.Time { return time.Date(y, mo, d, h, mi, 0, 0, time.UTC) }
	tests := []struct {
		name  string
		expr  string
		after time.Time
		want  time.Time
	}{
		{"each minute, strictly after", "* * * * *", utc(2026, 1, 1, 0, 0), utc(2026, 1, 1, 0, 1)},
		{"seconds are dropped", "* * * * *", utc(2026, 1, 1, 0, 0).Add(59 * time.Second), utc(2026, 1, 1, 0, 1)},
		{"daily at six, later today", "0 6 * * *", utc(2026, 11, 25, 5, 59), utc(2026, 11, 25, 6, 0)},
		{"daily at six, tomorrow", "0 6 * * *", utc(2026, 11, 25, 6, 0), utc(2026, 11, 26, 6, 0)},
		{"a step of minutes", "*/15 * * * *", utc(2026, 1, 1, 10, 16), utc(2026, 1, 1, 10, 30)},
		{"a step rolls into the next hour", "*/15 * * * *", utc(2026, 1, 1, 10, 50), utc(2026, 1, 1, 11, 0)},
		{"a list", "5,35 * * * *", utc(2026, 1, 1, 10, 6), utc(2026, 1, 1, 10, 35)},
		{"a range with a step", "0 9-17/4 * * *", utc(2026, 1, 1, 13, 1), utc(2026, 1, 1, 17, 0)},
		{"a value with a step runs to the end", "0 20/2 * * *", utc(2026, 1, 1, 21, 0), utc(2026, 1, 1, 22, 0)},
		{"weekdays by name", "30 8 * * mon-fri", utc(2026, 11, 27, 9, 0), utc(2026, 11, 30, 8, 30)}, // Friday -> Monday
		{"7 is Sunday", "0 0 * * 7", utc(2026, 11, 25, 0, 0), utc(2026, 11, 29, 0, 0)},
		{"months by name", "0 0 1 jun *", utc(2026, 7, 1, 0, 0), utc(2027, 6, 1, 0, 0)},
		{"the 31st skips short months", "0 0 31 * *", utc(2026, 4, 1, 0, 0), utc(2026, 5, 31, 0, 0)},
		{"February 29th", "0 0 29 2 *", utc(2026, 3, 1, 0, 0), utc(2028, 2, 29, 0, 0)},
		{"both day fields: either", "0 0 13 * fri", utc(2026, 11, 1, 0, 0), utc(2026, 11, 6, 0, 0)},
		{"a day field with *: both", "0 0 */2 * fri", utc(2026, 11, 1, 0, 0), utc(2026, 11, 13, 0, 0)},
		{"@daily", "@daily", utc(2026, 1, 1, 0, 0), utc(2026, 1, 2, 0, 0)},
		{"@hourly", "@hourly", utc(2026, 1, 1, 0, 30), utc(2026, 1, 1, 1, 0)},
		{"@weekly is Sunday midnight", "@weekly", utc(2026, 11, 25, 0, 0), utc(2026, 11, 29, 0, 0)},
		{"@monthly", "@monthly", utc(2026, 1, 15, 0, 0), utc(2026, 2, 1, 0, 0)},
		{"@yearly", "@yearly", utc(2026, 1, 15, 0, 0), utc(2027, 1, 1, 0, 0)},
		{"another zone is read in UTC", "0 6 * * *", time.Date(2026, 11, 25, 7, 0, 0, 0, time.FixedZone("CET", 3600)), utc(2026, 11, 26, 6, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := parseCron(tt.expr)
			if err != nil {
				t.Fatal(err)
			}
			if got := s.next(tt.after); !got.Equal(tt.want) {
				t.Errorf("%q after %v: %v, want %v", tt.expr, tt.after, got, tt.want)
			}
		})
	}
}

func TestCronRefusesWhatItCannotRun(t *testing.T) {
	t.Parallel()
	tests := []struct{ expr, want string }{
		{"", "want five fields"},
		{"* * * *", "want five fields"},
		{"@every 1h", "want five fields"},
		{"60 * * * *", `minute: "60" is not from 0 to 59`},
		{"* 24 * * *", `hour: "24" is not from 0 to 23`},
		{"* * 0 * *", `day of month: "0" is not from 1 to 31`},
		{"* * * 13 *", `month: "13" is not from 1 to 12`},
		{"* * * * 8", `day of week: "8" is not from 0 to 7`},
		{"* * * foo *", `month: "foo"`},
		{"5-1 * * * *", "runs backwards"},
		{"*/0 * * * *", "is not a step"},
		{"*/x * * * *", "is not a step"},
		{"0 0 30 2 *", "names no date that exists"},
		{"1,,2 * * * *", `minute: ""`},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			_, err := parseCron(tt.expr)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("%q: %v, want %q", tt.expr, err, tt.want)
			}
		})
	}
}
