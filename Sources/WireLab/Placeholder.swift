// Namespace labs live here.
