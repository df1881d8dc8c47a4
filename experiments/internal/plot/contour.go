package plot

import (
	"math"
	"slices"
)

// contour returns the level set {z = level} of a function sampled on an
// nx×ny grid as polylines, by marching squares. z is row-major: z[j·nx+i]
// is the value at grid point (i, j), and the polylines are in grid
// coordinates (x = i, y = j, fractional between grid points). A closed
// curve ends with its first point repeated. Cells with a NaN corner are
// left out, so a curve stops at them.
//
// Each cell's corners are classed as above (z ≥ level) or below; the
// curve crosses every edge whose two corners differ, at the point found
// by linear interpolation, and joins the two crossings of the cell. When
// all four edges are crossed (a saddle: opposite corners alike), the
// value at the cell's centre, the mean of the corners, decides which pair
// of corners the curve keeps apart.
func contour(z []float64, nx, ny int, level float64) [][]point {
	if len(z) != nx*ny {
		panic("plot: contour: len(z) != nx·ny")
	}
	// Crossings are identified by the grid edge they lie on: edge id
	// 2·(j·nx+i) is the horizontal edge from (i, j) to (i+1, j), and
	// 2·(j·nx+i)+1 the vertical edge from (i, j) to (i, j+1). A crossing is
	// shared by the (at most two) cells on either side of its edge, so
	// segments can be chained into polylines through their ids without
	// comparing floating-point positions.
	hEdge := func(i, j int) int { return 2 * (j*nx + i) }
	vEdge := func(i, j int) int { return 2*(j*nx+i) + 1 }
	pos := func(id int) point {
		k := id / 2
		i, j := k%nx, k/nx
		i2, j2 := i+1, j
		if id%2 == 1 {
			i2, j2 = i, j+1
		}
		z0, z1 := z[j*nx+i], z[j2*nx+i2]
		t := (level - z0) / (z1 - z0)
		return point{float64(i) + t*float64(i2-i), float64(j) + t*float64(j2-j)}
	}

	links := map[int][]int{} // crossing id → the crossings it is joined to
	join := func(a, b int) {
		links[a] = append(links[a], b)
		links[b] = append(links[b], a)
	}
	for j := 0; j+1 < ny; j++ {
		for i := 0; i+1 < nx; i++ {
			// Corners counter-clockwise from the bottom left: a, b, c, d.
			za, zb, zc, zd := z[j*nx+i], z[j*nx+i+1], z[(j+1)*nx+i+1], z[(j+1)*nx+i]
			if math.IsNaN(za) || math.IsNaN(zb) || math.IsNaN(zc) || math.IsNaN(zd) {
				continue
			}
			a, b, c, d := za >= level, zb >= level, zc >= level, zd >= level
			bottom, right, top, left := hEdge(i, j), vEdge(i+1, j), hEdge(i, j+1), vEdge(i, j)
			var crossed []int
			if a != b {
				crossed = append(crossed, bottom)
			}
			if b != c {
				crossed = append(crossed, right)
			}
			if c != d {
				crossed = append(crossed, top)
			}
			if d != a {
				crossed = append(crossed, left)
			}
			switch len(crossed) {
			case 2:
				join(crossed[0], crossed[1])
			case 4: // saddle
				if centre := (za+zb+zc+zd)/4 >= level; centre == a {
					join(bottom, right) // a and c are connected: cut off b
					join(top, left)     // and d
				} else {
					join(left, bottom) // cut off a
					join(right, top)   // and c
				}
			}
		}
	}

	// Walk the chains: open ones from their ends first, then the closed loops.
	seen := map[int]bool{}
	walk := func(start int) []point {
		line := []point{pos(start)}
		seen[start] = true
		prev, cur := -1, start
		for {
			next := -1
			for _, n := range links[cur] {
				if n != prev && !seen[n] {
					next = n
					break
				}
			}
			if next < 0 {
				// Close a loop: cur is linked back to start.
				for _, n := range links[cur] {
					if n == start && prev != start && len(line) > 2 {
						line = append(line, line[0])
						break
					}
				}
				return line
			}
			seen[next] = true
			line = append(line, pos(next))
			prev, cur = cur, next
		}
	}
	var ids []int
	for id := range links {
		ids = append(ids, id)
	}
	slices.Sort(ids) // deterministic output
	var lines [][]point
	for _, id := range ids {
		if !seen[id] && len(links[id]) == 1 {
			lines = append(lines, walk(id))
		}
	}
	for _, id := range ids {
		if !seen[id] {
			lines = append(lines, walk(id))
		}
	}
	return lines
}
