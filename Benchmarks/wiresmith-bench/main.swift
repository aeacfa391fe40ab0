print("wiresmith-bench")
