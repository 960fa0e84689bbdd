"""Daily case logs (学习日志), mentor remarks, evaluation (考核评价), certification and certificates."""
