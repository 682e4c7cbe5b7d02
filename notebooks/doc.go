// Package notebooks holds darray's Jupyter notebooks for GoNB, the Go kernel
// (tutorial.ipynb: the dask tutorial with the array summary, the chunk picture and the
// task graph inline). Its test runs them end to end, headless, with jupyter nbconvert.
package notebooks
