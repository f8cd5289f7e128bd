"""fpdf2 against ReportLab on the shape of sij's report: what chose the library behind `tracker/exports/pdf.py`.

    python benchmarks/pdf_libraries.py [--runs 5] [--rows 120]

Each library, in a fresh process, imports itself, embeds DejaVu Sans (regular and bold), writes a title, a
wrapped paragraph, a coloured box and a log table of `--rows` rows of wrapped text with the header repeated on
every page and no row split, and saves A4 pages. The chart is left out of both (fpdf2 takes Matplotlib's SVG
as vector paths; ReportLab would need svglib, another dependency, or a bitmap). Prints the median CPU time of
each and their ratio. Needs both libraries: `pip install fpdf2 reportlab` (ReportLab is not a dependency).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys

from common import program_env  # benchmarks/, beside this script

FPDF2 = """
import sys, time
start = time.process_time()
from pathlib import Path
import matplotlib
from fpdf import FPDF
fonts = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
pdf = FPDF(format="A4", unit="pt")
pdf.set_margins(40, 40)
pdf.add_font("dejavu", "", fonts / "DejaVuSans.ttf")
pdf.add_font("dejavu", "B", fonts / "DejaVuSans-Bold.ttf")
pdf.add_page()
pdf.set_font("dejavu", "B", 18)
pdf.cell(text="SI joint stretching record", new_x="LMARGIN", new_y="NEXT")
pdf.set_font("dejavu", "", 8.5)
pdf.set_fill_color(227, 244, 236)
pdf.multi_cell(0, 11, "Pain before sessions fell by 2 points. " * 12, fill=True, new_x="LMARGIN", new_y="NEXT")
pdf.set_font("dejavu", "", 7)
with pdf.table(col_widths=(62, 64, 124, 26, 48, 54, 137), repeat_headings=1, line_height=8.6) as table:
    table.row(("Date, time", "What", "Stretch", "Side", "Hold (s)", "Pain (0-10)", "Note"))
    for i in range(int(sys.argv[1])):
        table.row((f"2026-11-{i % 28 + 1:02d} 08:{i % 60:02d} +00:00", "Session completed", "Knee to chest Figure 4",
                   "L R", "30, 30", f"before {i % 10}", f"note {i}: " + "stiff after a long drive " * (i % 5)))
pdf.output(sys.argv[2])
print(time.process_time() - start)
"""

REPORTLAB = """
import sys, time
start = time.process_time()
from pathlib import Path
import matplotlib
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle
fonts = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
pdfmetrics.registerFont(TTFont("dejavu", str(fonts / "DejaVuSans.ttf")))
pdfmetrics.registerFont(TTFont("dejavu-bold", str(fonts / "DejaVuSans-Bold.ttf")))
title = ParagraphStyle("t", fontName="dejavu-bold", fontSize=18, leading=22)
body = ParagraphStyle("b", fontName="dejavu", fontSize=8.5, leading=11, backColor=colors.HexColor("#E3F4EC"))
cell = ParagraphStyle("c", fontName="dejavu", fontSize=7, leading=8.6)
rows = [[Paragraph(t, cell) for t in ("Date, time", "What", "Stretch", "Side", "Hold (s)", "Pain (0-10)", "Note")]]
for i in range(int(sys.argv[1])):
    rows.append([Paragraph(t, cell) for t in (f"2026-11-{i % 28 + 1:02d} 08:{i % 60:02d} +00:00", "Session completed",
                 "Knee to chest Figure 4", "L R", "30, 30", f"before {i % 10}",
                 f"note {i}: " + "stiff after a long drive " * (i % 5))])
table = Table(rows, colWidths=(62, 64, 124, 26, 48, 54, 137), repeatRows=1, splitByRow=1)
table.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#F0F0F0"))]))
doc = SimpleDocTemplate(sys.argv[2], pagesize=A4, leftMargin=40, rightMargin=40, topMargin=40, bottomMargin=40)
doc.build([Paragraph("SI joint stretching record", title), Paragraph("Pain before sessions fell by 2 points. " * 12,
           body), table])
print(time.process_time() - start)
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rows", type=int, default=120, help="log rows (about a quarter's sessions and check-ins)")
    args = parser.parse_args()
    results: dict[str, list[float]] = {"fpdf2": [], "reportlab": []}
    for _ in range(args.runs):
        for name, script in (("fpdf2", FPDF2), ("reportlab", REPORTLAB)):
            out = f"/tmp/sij-pdf-library-{os.getpid()}-{name}.pdf"
            done = subprocess.run(
                [sys.executable, "-c", script, str(args.rows), out],
                capture_output=True,
                text=True,
                check=True,
                env=program_env(),
            )
            results[name].append(float(done.stdout.strip().splitlines()[-1]))
            os.unlink(out)
    medians = {name: statistics.median(values) for name, values in results.items()}
    for name, value in medians.items():
        print(f"{name:<10} {value * 1000:7.0f} ms CPU (import, fonts, {args.rows}-row table, save)")
    print(f"fpdf2 / reportlab: {medians['fpdf2'] / medians['reportlab']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
