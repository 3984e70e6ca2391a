#!/usr/bin/python3
"""scripts/plot draws every figure kind from small real runs, and refuses bad input in one line.

  tests/plot/test_plot.py SNSIM SOURCE_DIR

runs small snsim commands (analytic engine: fullmesh8, al128, mesh8x8, a 4-point sweep written here, the A100
calibration sample, a workload step) into a temporary directory, draws each with scripts/plot, and checks every
file: PNG magic bytes, PDF magic, the SVG parses as XML and holds the expected title and legend text (scripts/plot
keeps SVG text as text). Registered in tests/CMakeLists.txt; about 15 s on the 2-core reference machine.
"""
import os
import subprocess
import sys
import tempfile
import unittest
import xml.etree.ElementTree as ElementTree

SNSIM = SOURCE = None
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def run(command, expect=0):
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != expect:
        raise AssertionError(f"{' '.join(command)}: exit {result.returncode}, expected {expect}\n"
                             f"{result.stdout}{result.stderr}")
    return result


def snsim(*args):
    return run([SNSIM, *args])


def plot(*args, expect=0):
    return run([os.path.join(SOURCE, "scripts", "plot"), *args], expect=expect)


def source(path):
    return os.path.join(SOURCE, path)


def svg_text(path):
    """Every text of the SVG (parsing it as XML), one string, with every run of spaces and line breaks (titles
    are wrapped to the figure's width) as one space."""
    root = ElementTree.parse(path).getroot()
    return " ".join(" ".join("".join(e.itertext()) for e in root.iter() if e.tag.endswith("}text")).split())


class PlotTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="snsim_plot_test_")
        cls.dir = cls.tmp.name
        d = cls.file
        fullmesh8, mesh8x8 = source("configs/fullmesh8.yaml"), source("configs/mesh8x8.yaml")
        snsim("run", fullmesh8, "--engine", "analytic", "--sizes", "1K:1G:x16", "--csv", d("run.csv"),
              "--json", d("run.json"))
        snsim("run", fullmesh8, "--engine", "analytic", "--sizes", "1M", "--csv", d("one.csv"))
        snsim("topo", fullmesh8, "--graphml", d("fullmesh8.graphml"))
        snsim("topo", mesh8x8, "--graphml", d("mesh8x8.graphml"))
        snsim("compare", fullmesh8, source("configs/presets/al128.yaml"), "--engine", "analytic", "--sizes",
              "1K:1G:x32", "--out", d("compare"))
        snsim("compare", fullmesh8, "--vary", "collective.algorithm=ring,recursive_doubling", "--engine",
              "analytic", "--sizes", "1K:1G:x32", "--out", d("vary"))
        workload = source("configs/workloads/dense_tp_pp_dp.yaml")
        snsim("compare", source("configs/presets/al128_domain64.yaml"), source("configs/presets/al128.yaml"),
              "--engine", "analytic", "--workload", workload, "--out", d("step"))
        with open(d("tiny_sweep.yaml"), "w") as f:
            f.write(f"sweep:\n  configs: [{fullmesh8}]\n  grid:\n    topology.link.bandwidth: [50GB/s, 100GB/s]\n"
                    f"    collective.algorithm: [ring, recursive_doubling]\n  sizes: 1M,64M\n  engine: analytic\n")
        snsim("sweep", d("tiny_sweep.yaml"), "--jobs", "1", "--out", d("sweep"))
        snsim("calibrate", source("tests/data/a100x8_nvswitch_allreduce.csv"), "--config",
              source("configs/calibration/a100x8_nvswitch.yaml"), "--train-sizes", "8K,2M,64M,2G", "--out",
              d("calibration"))
        snsim("workload", workload, "--config", mesh8x8, "--engine", "analytic", "--csv", d("step.csv"),
              "--json", d("step.json"), "--busiest", "1000000")
        snsim("workload", workload, "--config", mesh8x8, "--engine", "analytic", "--json", d("busiest5.json"))

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    @classmethod
    def file(cls, name):
        return os.path.join(cls.dir, name)

    def check_figure(self, stem, *texts):
        """STEM.png is a PNG, STEM.svg parses and holds every text."""
        with open(f"{stem}.png", "rb") as f:
            self.assertEqual(f.read(8), PNG_MAGIC, f"{stem}.png")
        with open(f"{stem}.svg", "rb") as f:
            self.assertTrue(f.read().rstrip().endswith(b"</svg>"), f"{stem}.svg")
        text = svg_text(f"{stem}.svg")
        for expected in texts:
            self.assertIn(expected, text, f"{stem}.svg")
        return text

    def test_run_csv_and_single_size(self):
        plot(self.file("run.csv"))
        self.check_figure(self.file("run_busbw"), "fullmesh8: allreduce, ring, analytic engine", "fullmesh8",
                          "fullmesh8 bound", "busbw (GB/s)")
        # One size: its point and its bound (a bar marker) are both drawn and in the legend.
        plot(self.file("one.csv"), "--metric", "time")
        text = self.check_figure(self.file("one_time"), "fullmesh8 bound", "time (µs)", "1M")
        self.assertNotIn("same for", text)

    def test_run_json_links_and_topology(self):
        out = plot(self.file("run.json"), "--graph", self.file("fullmesh8.graphml"), "--out", self.file("r"))
        self.assertIn("r/run_topology.svg", out.stdout)
        self.check_figure(self.file("r/run_busbw"), "fullmesh8 bound")
        self.check_figure(self.file("r/run_links"), "utilization (%)", "fullmesh8")
        self.check_figure(self.file("r/run_topology"), "fullmesh8: allreduce, ring, analytic engine",
                          "utilization (%)", "chip (8)", "idle cable (20 of 28 vertex pairs)")

    def test_compare(self):
        plot(self.file("compare"))
        self.check_figure(self.file("compare/busbw"), "allreduce, ring, analytic engine", "fullmesh8 bound",
                          "al128 bound")
        self.check_figure(self.file("compare/links"), "fullmesh8", "al128")
        # One config varied: lines by the varied key; equal bounds drawn once, and the legend says so.
        plot(self.file("vary"), "--metric", "bound", "--width", "page", "--format", "png,svg,pdf")
        self.check_figure(self.file("vary/bound"), "fullmesh8: allreduce, algorithm as labelled, analytic engine",
                          "collective.algorithm", "ring", "recursive_doubling", "bound (100%)", "% of bound")
        with open(self.file("vary/bound.pdf"), "rb") as f:
            self.assertEqual(f.read(5), b"%PDF-")
        plot(self.file("vary"))
        self.check_figure(self.file("vary/busbw"), "bound, same for all")

    def test_compare_workload(self):
        plot(self.file("step"))
        self.check_figure(self.file("step/step"), "dense tp8 pp4 step: one step per system, analytic engine",
                          "al128_domain64", "al128", "exposed tp", "compute (busiest chip)", "time per step (ms)")

    def test_sweep(self):
        plot(self.file("sweep"))
        # Lines by the last grid key, a panel per value of the other, bounds equal for both algorithms shared.
        self.check_figure(self.file("sweep/busbw"), "fullmesh8: allreduce, algorithm as labelled, analytic engine",
                          "panels: topology.link.bandwidth", "50GB/s", "100GB/s", "collective.algorithm", "ring",
                          "recursive_doubling", "bound, same for all")
        plot(self.file("sweep/sweep.json"), "--group-by", "topology.link.bandwidth", "--where",
             "collective.algorithm=ring", "--metric", "time", "--y-scale", "linear", "--x-scale", "linear")
        text = self.check_figure(self.file("sweep/sweep_time"), "fullmesh8: allreduce, ring, analytic engine",
                                 "topology.link.bandwidth", "50GB/s bound", "100GB/s bound")
        self.assertNotIn("panels", text)

    def test_calibration(self):
        # fit.svg, beside (not over) the calibration.svg snsim calibrate writes.
        with open(self.file("calibration/calibration.svg")) as f:
            snsim_own = f.read()
        plot(self.file("calibration"))
        with open(self.file("calibration/calibration.svg")) as f:
            self.assertEqual(f.read(), snsim_own)
        self.assertIn("<svg", snsim_own)
        self.check_figure(self.file("calibration/fit"), "a100x8_nvswitch vs a100x8_nvswitch_allreduce.csv",
                          "held-out error mean 2.98%, worst 11.57%", "snsim, fitted", "measured, trained on",
                          "measured, held out", "error (%)")

    def test_workload(self):
        plot(self.file("step.csv"))
        self.check_figure(self.file("step_ops"), "step: one step of ", "tp_attn_fwd (allreduce)", "attn_fwd",
                          "group kind", "compute", "tp", "pp", "dp")
        plot(self.file("step.json"), "--graph", self.file("mesh8x8.graphml"))
        self.check_figure(self.file("step_ops"), "dense tp8 pp4 step: one step of ")
        self.check_figure(self.file("step_topology"), "dense tp8 pp4 step: one step, analytic engine",
                          "utilization (%)", "chip (64)")

    def refused(self, *args, names=None):
        """Exit code 2 and one line on stderr that names names, and no figure written."""
        before = set(os.listdir(self.dir))
        result = plot(*args, expect=2)
        self.assertEqual(len(result.stderr.strip().splitlines()), 1, result.stderr)
        self.assertEqual(result.stdout, "")
        self.assertIn(names or args[0], result.stderr)
        self.assertEqual(set(os.listdir(self.dir)), before)
        return result.stderr

    def test_bad_input(self):
        self.refused(self.file("nothing"))
        os.mkdir(self.file("empty"))
        self.assertIn("no sweep.csv", self.refused(self.file("empty")))
        with open(self.file("run.csv")) as f:
            lines = f.read().splitlines()
        fields = lines[2].split(",")
        fields[7] = "fast"  # time_us
        lines[2] = ",".join(fields)
        with open(self.file("bad.csv"), "w") as f:
            f.write("\n".join(lines) + "\n")
        self.assertIn("bad.csv:3: time_us is not a number", self.refused(self.file("bad.csv")))
        with open(self.file("bad.json"), "w") as f:
            f.write('{"rows": [\n1,')
        self.assertIn("bad.json:2: malformed JSON", self.refused(self.file("bad.json")))
        with open(self.file("rowless.json"), "w") as f:
            f.write('{"name": "x", "rows": [1, 2], "cables": []}')
        self.assertIn("rowless.json: no rows", self.refused(self.file("rowless.json")))
        # An --out that cannot be a directory: one line, not a traceback.
        with open(self.file("afile"), "w") as f:
            f.write("")
        self.assertIn("afile: File exists", self.refused(self.file("run.csv"), "--out", self.file("afile"),
                                                        names="afile"))
        self.assertIn("not a CSV snsim writes", self.refused(source("tests/data/README.md")))
        # Options that do not apply are refused, not ignored.
        self.assertIn("--metric does not apply", self.refused(self.file("calibration"), "--metric", "time"))
        self.assertIn("--graph does not apply",
                      self.refused(self.file("compare"), "--graph", self.file("fullmesh8.graphml")))
        self.assertIn("--group-by chips_per_node: no such label",
                      self.refused(self.file("sweep"), "--group-by", "chips_per_node"))
        self.refused(self.file("run.csv"), "--format", "gif", names="--format gif")
        # The graph of another config, and a workload JSON listing only its 5 busiest cable directions: refused
        # after reading, before writing anything.
        self.assertIn("the graph of another config",
                      self.refused(self.file("run.json"), "--graph", self.file("mesh8x8.graphml"),
                                   names="mesh8x8.graphml"))
        self.assertIn("--busiest 1000000", self.refused(self.file("busiest5.json"), "--graph",
                                                        self.file("mesh8x8.graphml"), names="mesh8x8.graphml"))
        # A graph too large to draw is refused at once rather than laid out for minutes.
        with open(self.file("huge.graphml"), "w") as f:
            f.write('<?xml version="1.0"?><graphml xmlns="http://graphml.graphdrawing.org/xmlns">'
                    '<graph edgedefault="undirected">'
                    + "".join(f'<node id="c{i}"/>' for i in range(3001)) + "</graph></graphml>")
        self.assertIn("3001 vertices, too many to draw",
                      self.refused(self.file("run.json"), "--graph", self.file("huge.graphml"), names="huge.graphml"))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: test_plot.py SNSIM SOURCE_DIR")
    SNSIM, SOURCE = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    unittest.main(argv=sys.argv[:1], verbosity=2)
