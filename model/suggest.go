package model

import "strings"

// Nearest returns the name among candidates that a near-miss s probably
// meant (a --station name, say), or "": the rule of the dictionary's
// "did you mean" hints.
func Nearest(s string, candidates []string) string { return nearest(s, candidates) }

// nearest returns the candidate a near-miss s probably meant: one equal
// ignoring case, else the closest by edit distance (ignoring case) within a
// small budget (1 edit for short names, 2 from 5 characters, 3 from 12), or
// "". Ties go to the earlier candidate. s itself is never suggested.
func nearest(s string, candidates []string) string {
	if s == "" {
		return ""
	}
	for _, c := range candidates {
		if c == s {
			return ""
		}
	}
	for _, c := range candidates {
		if strings.EqualFold(c, s) {
			return c
		}
	}
	budget := 1
	switch {
	case len(s) >= 12:
		budget = 3
	case len(s) >= 5:
		budget = 2
	}
	best, bestD := "", budget+1
	ls := strings.ToLower(s)
	for _, c := range candidates {
		if d := editDistance(ls, strings.ToLower(c)); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance (bytes; names are ASCII).
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
