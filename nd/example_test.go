package nd_test

import (
	"fmt"

	"github.com/darray-go/darray/nd"
)

// Views share the buffer they were made from: writing through one changes the other.
func Example_views() {
	a, _ := nd.Arange(nd.Float64, 0, 12, 1)
	m, _ := a.Reshape(3, 4)
	col, _ := m.IndexString(":, 1")
	fmt.Println(col)
	ten, _ := nd.Full(nd.Float64, 10, 3)
	col.Assign(ten)
	fmt.Println(m)
	fmt.Println(nd.SharesMemory(a, col))
	// Output:
	// [1. 5. 9.]
	// [[ 0. 10.  2.  3.]
	//  [ 4. 10.  6.  7.]
	//  [ 8. 10. 10. 11.]]
	// true
}

// Binary broadcasts its operands and promotes their dtypes as NumPy 2 does.
func ExampleBinary() {
	x, _ := nd.FromSlice([]int8{1, 2, 3}, 3, 1)
	y, _ := nd.FromSlice([]float32{0.5, 0.25}, 2)
	z, _ := nd.Binary(nd.Multiply, x, y)
	fmt.Println(z.DType(), nd.ShapeString(z.Shape()))
	fmt.Println(z)
	// Output:
	// float32 (3, 2)
	// [[0.5  0.25]
	//  [1.   0.5 ]
	//  [1.5  0.75]]
}

// Reduce takes NumPy's arguments: axes, keepdims, ddof.
func ExampleReduce() {
	a, _ := nd.FromSlice([]float64{1, 2, 3, 4, 5, 6}, 2, 3)
	s, _ := nd.Reduce(nd.Sum, a, nd.ReduceArgs{Axes: []int{1}})
	v, _ := nd.Reduce(nd.Var, a, nd.ReduceArgs{Axes: []int{0}, KeepDims: true, DDof: 1})
	fmt.Println(s)
	fmt.Println(v)
	// Output:
	// [ 6. 15.]
	// [[4.5 4.5 4.5]]
}
