package main

import (
	"fmt"
	"slices"
	"strings"
)

// inputType is the Go type of a batch's rows: a struct with a field for
// each column of the query's unnest parameters (or a group's struct, or a
// many.Optional of either for a change), and how each column is read from
// a row.
type inputType struct {
	name   string
	from   string // the query that defined it
	fields []field
	read   map[string]access // column name -> how to read it from a row r
}

type field struct {
	name, typ, json string
	embedded        bool
}

// access reads one column from a row r of the input type.
type access struct {
	expr string // r.Name, r.Name.Value, r.Nutrients.EnergyKcal
	typ  goType
	set  string // for a guarded column, whether r sets it: r.Name.Set
}

// group is a struct that gathers columns (options.groups).
type group struct {
	name   string
	fields []field
}

// inputOf builds the input type of q's unnest columns, or checks it against
// the one of that name another query built.
func (g *generator) inputOf(q *query) (*inputType, error) {
	cols := q.columns()
	in := &inputType{name: q.input, from: q.Name, read: map[string]access{}}
	has := map[string]param{}
	for _, p := range cols {
		has[p.name] = p
	}
	// A group gathers columns that the query has, all of them.
	groupOf := map[string]string{}    // column -> group
	groupNamed := map[string]string{} // snake case -> group, for set_<group>
	for name, members := range g.opts.Groups {
		all := len(members) > 0
		for _, m := range members {
			if _, ok := has[m]; !ok {
				all = false
			}
		}
		if all {
			for _, m := range members {
				groupOf[m] = name
			}
			groupNamed[snake(name)] = name
		}
	}
	// A set_<x> flag guards the column or group x: it becomes an Optional.
	guarded := map[string]bool{} // column or group
	flags := map[string]bool{}   // the set_ params
	for _, p := range cols {
		x, ok := strings.CutPrefix(p.name, "set_")
		if !ok || p.typ.Name != "bool" {
			continue
		}
		if _, col := has[x]; col && groupOf[x] == "" {
			guarded[x], flags[p.name] = true, true
		} else if name, grp := groupNamed[x]; grp {
			guarded[name], flags[p.name] = true, true
		}
	}
	done := map[string]bool{}
	for _, p := range cols {
		if flags[p.name] {
			continue
		}
		if name := groupOf[p.name]; name != "" {
			if done[name] {
				continue
			}
			done[name] = true
			grp, err := g.groupFor(name, has)
			if err != nil {
				return nil, fmt.Errorf("%s: %v", q.Name, err)
			}
			value, set := "r."+name, ""
			if guarded[name] {
				in.fields = append(in.fields, field{name: name, typ: "many.Optional[" + name + "]", json: snake(name)})
				set = "r." + name + ".Set"
				in.read["set_"+snake(name)] = access{expr: set, typ: scalars["bool"]}
				value += ".Value"
			} else {
				in.fields = append(in.fields, field{name: name, typ: name, embedded: true})
			}
			for i, m := range g.opts.Groups[name] {
				in.read[m] = access{expr: value + "." + grp.fields[i].name, typ: has[m].typ, set: set}
			}
			continue
		}
		f := field{name: p.goName, typ: p.typ.Name, json: p.name}
		value, set := "r."+p.goName, ""
		if guarded[p.name] {
			f.typ = "many.Optional[" + p.typ.Name + "]"
			set = value + ".Set"
			in.read["set_"+p.name] = access{expr: set, typ: scalars["bool"]}
			value += ".Value"
		}
		in.fields = append(in.fields, f)
		in.read[p.name] = access{expr: value, typ: p.typ, set: set}
	}
	if prev, ok := g.inputs[in.name]; ok {
		if !slices.Equal(prev.fields, in.fields) {
			return nil, fmt.Errorf("%s: its columns make %s another type than %s's", q.Name, in.name, prev.from)
		}
		return prev, nil
	}
	g.inputs[in.name] = in
	g.order = append(g.order, in.name)
	return in, nil
}

// groupFor is the struct of a group, built from the columns' types the
// first time, the same every time after.
func (g *generator) groupFor(name string, has map[string]param) (*group, error) {
	grp := &group{name: name}
	for _, m := range g.opts.Groups[name] {
		p := has[m]
		grp.fields = append(grp.fields, field{name: p.goName, typ: p.typ.Name, json: m})
	}
	if prev, ok := g.groups[name]; ok {
		if !slices.Equal(prev.fields, grp.fields) {
			return nil, fmt.Errorf("the columns of group %s have other types than elsewhere", name)
		}
		return prev, nil
	}
	g.groups[name] = grp
	return grp, nil
}

// copyReads finds, for each column of a :copyfrom query, how to read it
// from the input type an insert defined.
func (g *generator) copyReads(q *query) (*inputType, []access, error) {
	in, ok := g.inputs[q.input]
	if !ok {
		return nil, nil, fmt.Errorf("%s: no insert defines %s (a copy takes an insert's input type)", q.Name, q.input)
	}
	var reads []access
	for _, p := range q.columns() {
		a, ok := in.read[p.name]
		if !ok {
			return nil, nil, fmt.Errorf("%s: %s has no column %s", q.Name, in.name, p.name)
		}
		if a.typ.Name != p.typ.Name {
			return nil, nil, fmt.Errorf("%s: column %s is %s in %s, %s here", q.Name, p.name, a.typ.Name, in.name, p.typ.Name)
		}
		reads = append(reads, a)
	}
	return in, reads, nil
}

// snake turns a Go name into snake case (Nutrients: nutrients, MealSource:
// meal_source).
func snake(s string) string {
	var b strings.Builder
	for i, r := range s {
		if r >= 'A' && r <= 'Z' {
			if i > 0 {
				b.WriteByte('_')
			}
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}
