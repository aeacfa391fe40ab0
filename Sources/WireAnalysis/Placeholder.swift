// The network model lives here (hosts, interfaces, links, facts).
