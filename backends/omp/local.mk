# omp: (being written)
