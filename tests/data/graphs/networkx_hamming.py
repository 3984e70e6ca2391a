#!/usr/bin/python3
"""Writes the 8 x 8 Hamming graph (K8 x K8) with networkx's own write_graphml, as a researcher would: chips named
c<row>.<column> by their networkx node ids, float bandwidths without a unit, and attributes of networkx's users
that snsim does not use (coord, weight). Usage: networkx_hamming.py OUT.graphml"""
import sys

import networkx as nx

graph = nx.Graph(bandwidth_unit="GB/s")
for row in range(8):
    for column in range(8):
        graph.add_node(f"c{row}.{column}", coord=f"{row},{column}")
for row in range(8):
    for column in range(8):
        for other in range(8):
            if other > column:
                graph.add_edge(f"c{row}.{column}", f"c{row}.{other}", bandwidth=50.0, weight=1)
            if other > row:
                graph.add_edge(f"c{row}.{column}", f"c{other}.{column}", bandwidth=50.0, weight=1)
nx.write_graphml(graph, sys.argv[1])
