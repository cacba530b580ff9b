"""Writes tests/data/textbook-claims.toml: printed numbers of the ML Systems textbook
(harvard-edge/cs249r_book), each as the chapter computes it (its mlsysim inputs, its formula, its
fmt precision and commas), formatted here in Python the way mlsysim.fmt does (f"{x:,.Nf}" or
f"{x:.Nf}", then the unit). Each claim pairs that printed text with the directive an author would
write; tests/textbook_claims.rs checks that the directive prints it. The book's sentences are not
copied: only the printed number and its computation.

Run: python3 tests/data/textbook_claims.py > tests/data/textbook-claims.toml
"""

AM = "book/quarto/contents/vol1/backmatter/appendix_machine.qmd"
HW = "book/quarto/contents/vol1/hw_acceleration/hw_acceleration.qmd"
AA = "book/quarto/contents/vol1/backmatter/appendix_assumptions.qmd"
SU = "book/quarto/contents/vol2/sustainable_ai/sustainable_ai.qmd"
IN = "book/quarto/contents/vol2/inference/inference.qmd"
MS = "book/quarto/contents/vol1/model_serving/model_serving.qmd"
AI = "book/quarto/contents/vol2/backmatter/appendix_inference.qmd"

claims = []


def f(x, p, commas=True):
    return f"{x:,.{p}f}" if commas else f"{x:.{p}f}"


def claim(file, name, directive, printed, reason=None):
    claims.append((file, name, directive, printed, reason))


# mlsysim 0.3.0 values the computations read (registry/, from mlsysim's own registry).
H100_FP16, H100_FP8, H100_INT8 = 989.0, 1979.0, 1979.0  # TFLOP/s, TOPS
H100_BW, H100_TDP, H100_PCIE = 3.35, 700.0, 64.0  # TB/s, W, GB/s
A100_FP16, A100_BW, A100_TDP = 312.0, 2.039, 400.0  # TFLOP/s, TB/s, W
B200_FP16, B200_BW = 2250.0, 8.0
DRAM_PJ, FP16_PJ, FP32_PJ, INT8_PJ, L1_PJ, REG_PJ = 640.0, 1.1, 3.7, 0.2, 0.5, 0.1
LAT_REG, LAT_L1, LAT_L2, LAT_PCIE, LAT_SSD, LAT_IB = 0.3, 1.0, 4.0, 1000.0, 100000.0, 5000.0  # ns
BW_SYS, BW_NVME, BW_IB = 50.0, 7.0, 50.0  # GB/s
IPHONE_TOPS = 35.0
GPT3_MWH, HOUSE_MWH = 1287.0, 10.7
US_AVG, QUEBEC, POLAND = 0.429, 0.020, 0.820  # kg/kWh
TRANSATLANTIC_KG = 1000.0

# --- appendix_machine: NumbersToKnow -------------------------------------------------------
e = "tech.Memory.DRAM.energy_per_access / (tech.Op.FlopFp16.energy * 1 FLOP)"
claim(AM, "dram_vs_compute (int)", f'<mlsysim value="floor({e})" style="multiple" digits="0"/>', f(int(DRAM_PJ / FP16_PJ), 0, False) + "×")
e = "tech.Op.FlopFp32.energy / tech.Op.OpInt8.energy"
claim(AM, "fp32_vs_int8 (int)", f'<mlsysim value="floor({e})" style="multiple" digits="0"/>', f(int(FP32_PJ / INT8_PJ), 0, False) + "×")
e = "tech.Op.FlopFp32.energy / tech.Op.FlopFp16.energy"
claim(AM, "fp32_vs_fp16 (round 1)", f'<mlsysim value="{e}" style="multiple" digits="1"/>', f(round(FP32_PJ / FP16_PJ, 1), 1, False) + "×")
e = "tech.Memory.L1.energy_per_access / tech.Memory.Register.energy_per_access"
claim(AM, "l1_vs_reg (int)", f'<mlsysim value="floor({e})" style="multiple" digits="0"/>', f(int(L1_PJ / REG_PJ), 0, False) + "×")
e = "round(tech.Storage.NvmeGen4.latency / tech.Memory.Register.latency, 100000)"
claim(AM, "ssd_vs_register (to 100,000)", f'<mlsysim value="{e}" style="multiple" digits="0"/>', f(int(round(LAT_SSD / LAT_REG / 100000) * 100000), 0) + "×")
e = "hardware.H100.memory.bandwidth / hardware.H100.interconnect.bandwidth"
claim(AM, "gpu_bw_vs_pcie (int)", f'<mlsysim value="floor({e})" style="multiple" digits="0"/>', f(int(H100_BW * 1000 / H100_PCIE), 0, False) + "×")
for name, path, v in [("lat_l1", "tech.Memory.L1.latency", LAT_L1), ("lat_l2", "tech.Memory.L2.latency", LAT_L2),
                      ("lat_pcie", "tech.Interconnect.PCIeGen5.latency", LAT_PCIE), ("lat_ssd", "tech.Storage.NvmeGen4.latency", LAT_SSD),
                      ("lat_ib", "fabrics.InfiniBand_NDR.latency", LAT_IB)]:
    claim(AM, name, f'<mlsysim value="{path}" unit="ns" digits="0" group="false"/>', f(v, 0, False) + " ns")
claim(AM, "register latency", '<mlsysim value="tech.Memory.Register.latency" unit="ns" digits="1"/>', f(LAT_REG, 1) + " ns")
claim(AM, "bw_hbm_h100 (precision 1)", '<mlsysim value="hardware.H100.memory.bandwidth" unit="TB/s" digits="1"/>', f(H100_BW, 1, False) + " TB/s")
claim(AM, "bw_pcie5", '<mlsysim value="hardware.H100.interconnect.bandwidth" unit="GB/s" digits="0"/>', f(H100_PCIE, 0, False) + " GB/s")
claim(AM, "bw_dram", '<mlsysim value="tech.Storage.SystemMemory.bandwidth" unit="GB/s" digits="0"/>', f(BW_SYS, 0, False) + " GB/s")
claim(AM, "bw_ib", '<mlsysim value="fabrics.InfiniBand_NDR.bandwidth" unit="GB/s" digits="0"/>', f(BW_IB, 0, False) + " GB/s")
claim(AM, "bw_nvme", '<mlsysim value="tech.Storage.NvmeGen4.bandwidth" unit="GB/s" digits="0"/>', f(BW_NVME, 0, False) + " GB/s")
claim(AM, "h100_fp16", '<mlsysim value="hardware.H100.compute.peak_flops" unit="TFLOP/s" digits="0" group="false"/>', f(H100_FP16, 0, False) + " TFLOP/s")
claim(AM, "h100_fp8", '<mlsysim value="hardware.H100.compute.precision_flops.fp8" unit="TFLOP/s" digits="0" group="false"/>', f(H100_FP8, 0, False) + " TFLOP/s")
claim(AM, "a100_fp16", '<mlsysim value="hardware.A100.compute.peak_flops" unit="TFLOP/s" digits="0"/>', f(A100_FP16, 0, False) + " TFLOP/s")
claim(AM, "mobile_int8_tops", '<mlsysim value="hardware.iPhone15Pro.compute.peak_flops" unit="TOPS" digits="0"/>', f(IPHONE_TOPS, 0, False) + " TOPS")
claim(AM, "ridge_a100 (int)", '<mlsysim value="floor(hardware.A100.ridge_point / (1 FLOP/byte))" digits="0"/>', str(int(A100_FP16 / A100_BW)))
claim(AM, "ridge_h100 (int)", '<mlsysim value="floor(hardware.H100.ridge_point / (1 FLOP/byte))" digits="0"/>', str(int(H100_FP16 / H100_BW)))
for b in (2, 4, 8, 16):
    claim(AM, f"bytes per param {b}", f'<mlsysim value="{b} B" unit="B" unit-style="word" digits="0"/>', f"{b} bytes")
claim(AM, "training model (7B)", '<mlsysim value="models.Llama2_7B.parameters" scale="B" digits="0"/>', "7B")
claim(AM, "training state footprint", '<mlsysim value="models.Llama2_7B.parameters * 16 B" unit="GB" digits="0"/>', f(7e9 * 16 / 1e9, 0, False) + " GB")
claim(AM, "inference memory fp16 (7B)", '<mlsysim value="models.Llama2_7B.parameters * 2 B" unit="GB" digits="0"/>', "14 GB")
claim(AM, "inference memory int8 (7B)", '<mlsysim value="models.Llama2_7B.parameters * 1 B" unit="GB" digits="0"/>', "7 GB")
claim(AM, "training flops 7B x 1T", '<mlsysim value="6 * models.Llama2_7B.parameters * 1e12" style="sci" digits="0"/>', "4 × 10²²")
claim(AM, "fiber speed of light", '<mlsysim value="200000 km/s" unit="km/ms" digits="0"/>', "200 km/ms")
claim(AM, "braking distance at 100 km/h in 10 ms", '<mlsysim value="100 km/h * 10 ms" unit="cm" digits="0"/>', "28 cm")
# A100RooflineExample
claim(AM, "a100 bw (precision 2)", '<mlsysim value="hardware.A100.memory.bandwidth" unit="TB/s" digits="2"/>', f(A100_BW, 2, False) + " TB/s")
claim(AM, "gemm intensity int(4096/3)", '<mlsysim value="floor(4096 / 3) * 1 FLOP/byte" unit="FLOP/byte" digits="0" group="false"/>', f(int(4096 / 3), 0, False) + " FLOP/byte")
claim(AM, "relu achieved / peak", '<mlsysim value="0.25 FLOP/byte * hardware.A100.memory.bandwidth / hardware.A100.compute.peak_flops" style="percent" digits="2"/>', f(0.25 * A100_BW / A100_FP16 * 100, 2, False) + "%")
claim(AM, "relu intensity", '<mlsysim value="0.25 FLOP/byte" unit="FLOP/byte" digits="2"/>', "0.25 FLOP/byte")
claim(AM, "relu achieved", '<mlsysim value="0.25 FLOP/byte * hardware.A100.memory.bandwidth" unit="TFLOP/s" digits="2"/>', f(0.25 * A100_BW, 2) + " TFLOP/s")

# --- hw_acceleration (textbook-today 1.2 #1, #2) --------------------------------------------
claim(HW, "A100 vs 1-2 TFLOP/s CPU gap", '<mlsysim value="hardware.A100.compute.peak_flops / (2 TFLOP/s)" to="hardware.A100.compute.peak_flops / (1 TFLOP/s)" style="multiple" digits="0"/>', "156–312×")
claim(HW, "A100 FP16", '<mlsysim value="hardware.A100.compute.peak_flops" unit="TFLOP/s" digits="0"/>', "312 TFLOP/s")
claim(HW, "H100 INT8 TOPS", '<mlsysim value="hardware.H100.compute.precision_flops.int8" unit="TOPS" digits="0" group="false"/>', f(H100_INT8, 0, False) + " TOPS")
claim(HW, "G_accel", '<mlsysim value="247" style="multiple" digits="0"/>', "247×")
amdahl = 1 / ((1 - 0.95) + 0.95 / 247)
claim(HW, "Amdahl speedup p=0.95", '<mlsysim value="1 / ((1 - 0.95) + 0.95 / 247)" style="multiple" digits="1"/>', f(amdahl, 1) + "×")
claim(HW, "Amdahl p=0.80", '<mlsysim value="1 / ((1 - 0.80) + 0.80 / 247)" style="multiple" digits="1"/>', f(1 / (0.2 + 0.8 / 247), 1) + "×")
claim(HW, "serial term", '<mlsysim value="1 - 0.95" digits="2"/>', "0.05")
claim(HW, "parallel term", '<mlsysim value="0.95 / 247" digits="4"/>', f(0.95 / 247, 4))
claim(HW, "B200/A100 compute growth", '<mlsysim value="hardware.B200.compute.peak_flops / hardware.A100.compute.peak_flops" style="multiple" digits="1"/>', f(B200_FP16 / A100_FP16, 1) + "×")
claim(HW, "B200/A100 bandwidth growth", '<mlsysim value="hardware.B200.memory.bandwidth / hardware.A100.memory.bandwidth" style="multiple" digits="1"/>', f(B200_BW / A100_BW, 1) + "×")

# --- appendix_assumptions: NapkinMath (textbook-today #3) -----------------------------------
claim(AA, "H100 FP16", '<mlsysim value="hardware.H100.compute.peak_flops" unit="TFLOP/s" digits="0"/>', "989 TFLOP/s")
claim(AA, "H100 bandwidth", '<mlsysim value="hardware.H100.memory.bandwidth" unit="TB/s" digits="2"/>', "3.35 TB/s")
claim(AA, "H100 ridge", '<mlsysim value="hardware.H100.compute.peak_flops / hardware.H100.memory.bandwidth" unit="FLOP/byte" digits="1"/>', f(H100_FP16 / H100_BW, 1) + " FLOP/byte")
claim(AA, "gemm n/3", '<mlsysim value="4096 / 3" digits="1"/>', f(4096 / 3, 1))
claim(AA, "7B x 16 bytes", '<mlsysim value="7e9 * 16 B" unit="GB" digits="0"/>', "112 GB")
claim(AA, "H100 memory", '<mlsysim value="hardware.H100.memory.capacity" unit="GiB" digits="0"/>', "80 GiB")
claim(AA, "H100 TDP", '<mlsysim value="hardware.H100.tdp" unit="W" digits="0"/>', "700 W")
claim(AA, "A100 TDP", '<mlsysim value="hardware.A100.tdp" unit="W" digits="0"/>', "400 W")
claim(AA, "A100 ridge (precision 0)", '<mlsysim value="hardware.A100.ridge_point" unit="FLOP/byte" digits="0"/>', f(A100_FP16 / A100_BW, 0) + " FLOP/byte")
claim(AA, "GPT-3 FLOPs %g", '<mlsysim value="models.GPT3.training_ops" unit="FLOP" show-unit="false" style="sci" digits="2"/>', "3.14e+23", "the appendix prints raw %g (`3.14e+23`); the directives print scientific notation as 3.14 × 10²³")
claim(AA, "Llama-3 8B params %g", '<mlsysim value="models.Llama3_8B.parameters" style="sci" digits="2"/>', "8.03e+09", "raw %g (`8.03e+09`) again; the directives print 8.03 × 10⁹")
claim(AA, "electricity price", '<mlsysim value="0.12 USD/kWh" unit="$/kWh" digits="2"/>', "0.12 dollar/kWh", "the appendix prints the Pint unit name (`dollar/kWh`); a book prints $0.12/kWh")

# --- appendix_assumptions: the constants tables (value column, `%g`, unit in its own column) -----
for name, path, unit, digits, shown in [
    ("H100 FP16 peak", "hardware.H100.compute.peak_flops", "TFLOP/s", 0, "989"),
    ("H100 HBM bandwidth", "hardware.H100.memory.bandwidth", "TB/s", 2, "3.35"),
    ("H100 HBM capacity", "hardware.H100.memory.capacity", "GiB", 0, "80"),
    ("H100 NVLink bandwidth", "hardware.H100.nvlink.bandwidth", "GB/s", 0, "900"),
    ("A100 HBM bandwidth", "hardware.A100.memory.bandwidth", "TB/s", 3, "2.039"),
    ("A100 HBM capacity", "hardware.A100.memory.capacity", "GiB", 0, "80"),
    ("B200 FP16 peak", "hardware.B200.compute.peak_flops", "TFLOP/s", 0, "2250"),
    ("B200 HBM bandwidth", "hardware.B200.memory.bandwidth", "TB/s", 0, "8"),
    ("B200 HBM capacity", "hardware.B200.memory.capacity", "GiB", 0, "180"),
    ("B200 TDP", "hardware.B200.tdp", "W", 0, "1000"),
    ("DRAM access energy", "tech.Memory.DRAM.energy_per_access", "pJ", 0, "640"),
    ("FP16 multiply energy", "tech.Op.FlopFp16.energy", "pJ/FLOP", 1, "1.1"),
    ("FP32 multiply energy", "tech.Op.FlopFp32.energy", "pJ/FLOP", 1, "3.7"),
    ("INT8 op energy", "tech.Op.OpInt8.energy", "pJ/FLOP", 1, "0.2"),
    ("Chinchilla tokens per parameter", "literature.Chinchilla.TokensPerParam", None, 0, "20"),
    ("US household electricity", "reference.EnergyAnchors.USHouseholdAnnualElectricity", "MWh", 1, "10.7"),
]:
    unit_attr = f' unit="{unit}"' if unit else ""
    claim(AA, name, f'<mlsysim value="{path}"{unit_attr} digits="{digits}" group="false" show-unit="false"/>', shown)
claim(AA, "GPT-3 training compute", '<mlsysim value="models.GPT3.training_ops" unit="FLOP" style="sci" digits="2"/>', "3.14 × 10²³ FLOP")
claim(AA, "H100 capacity in GB", '<mlsysim value="hardware.H100.memory.capacity" unit="GB" digits="1"/>', f(80 * 1024**3 / 1e9, 1) + " GB")

# --- sustainable_ai (textbook-today #6-#9) ---------------------------------------------------
claim(SU, "GPT-3 training energy", '<mlsysim value="models.GPT3.training_energy" unit="MWh" digits="0"/>', f(GPT3_MWH, 0) + " MWh")
claim(SU, "household-years", '<mlsysim value="round(models.GPT3.training_energy / reference.EnergyAnchors.USHouseholdAnnualElectricity)" digits="0"/>', f(round(GPT3_MWH / HOUSE_MWH), 0))
claim(SU, "US household", '<mlsysim value="reference.EnergyAnchors.USHouseholdAnnualElectricity" unit="MWh" digits="1"/>', "10.7 MWh")
co2 = GPT3_MWH * 1000 * US_AVG
claim(SU, "GPT-3 CO2 (US avg)", '<mlsysim value="models.GPT3.training_energy * grids.US_Avg.carbon_intensity" unit="kg" digits="0"/>', f(co2, 0) + " kg")
claim(SU, "GPT-3 CO2 in t", '<mlsysim value="models.GPT3.training_energy * grids.US_Avg.carbon_intensity" unit="t" digits="1" show-unit="false"/>', f(co2 / 1000, 1))
claim(SU, "US avg vs Quebec", '<mlsysim value="grids.US_Avg.carbon_intensity / grids.Quebec.carbon_intensity" style="multiple" digits="1"/>', f(US_AVG / QUEBEC, 1) + "×",
      "the book rounds the binary float 21.449999… (Python), the directives the decimal 21.45 half-up (21.5×); round=\"half-even\" prints 21.4×")
claim(SU, "Quebec round trips", '<mlsysim value="models.GPT3.training_energy * grids.Quebec.carbon_intensity / (1000 kg)" digits="1"/>', f(GPT3_MWH * 1000 * QUEBEC / TRANSATLANTIC_KG, 1))
claim(SU, "25,000-GPU cluster power", '<mlsysim value="25000 * hardware.H100.tdp" unit="MW" digits="1"/>', f(25000 * H100_TDP / 1e6, 1) + " MW")
claim(SU, "25,000 GPUs", '<mlsysim value="25000" digits="0"/>', "25,000")
claim(SU, "Poland 10,000 MWh", '<mlsysim value="10000 MWh * grids.Poland.carbon_intensity" unit="t" digits="0" group="false"/>', f(10000 * 1000 * POLAND / 1000, 0, False) + " t")
claim(SU, "Quebec 10,000 MWh", '<mlsysim value="10000 MWh * grids.Quebec.carbon_intensity" unit="t" digits="0"/>', f(10000 * 1000 * QUEBEC / 1000, 0) + " t")
claim(SU, "Poland/Quebec", '<mlsysim value="grids.Poland.carbon_intensity / grids.Quebec.carbon_intensity" style="multiple" digits="0"/>', f(POLAND / QUEBEC, 0) + "×")
claim(SU, "placement cost", '<mlsysim value="660420 USD" unit="$" scale="M" digits="2"/>', "$0.66M")

# --- vol2 inference: ServingCostSimple (textbook-today #11) ----------------------------------
req = 1e6 * 50 * 365
claim(IN, "requests per year", '<mlsysim value="1e6 * 50 * 365" style="scaled" digits="2"/>', f(req / 1e9, 2) + "B")
claim(IN, "serving cost per year", '<mlsysim value="1e6 * 50 * 365 * 0.001 USD" unit="$" digits="0"/>', "$" + f(req * 0.001, 0))
claim(IN, "cost ratio", '<mlsysim value="1e6 * 50 * 365 * 0.001 USD / (2e6 USD)" style="multiple" digits="1"/>', f(req * 0.001 / 2e6, 1) + "×")
claim(IN, "serving cost, scaled", '<mlsysim value="1e6 * 50 * 365 * 0.001 USD" unit="$" style="scaled" digits="2"/>', "$" + f(req * 0.001 / 1e6, 2) + "M")
claim(IN, "daily active users", '<mlsysim value="1e6" digits="0"/>', "1,000,000")

# --- model_serving: CarbonCost (textbook-today #13) -----------------------------------------
claim(MS, "node power", '<mlsysim value="hardware.H100.tdp + 300 W" unit="W" digits="0" group="false"/>', "1000 W")
claim(MS, "token rate", '<mlsysim value="114 * 8 1/s" unit="1/s" label="tokens/s" digits="0"/>', "912 tokens/s")
claim(MS, "energy per token", '<mlsysim value="(hardware.H100.tdp + 300 W) / (114 * 8 1/s)" unit="J" digits="4"/>', f(1000 / 912, 4) + " J", None)
claim(MS, "energy per response (500 tokens)", '<mlsysim value="(hardware.H100.tdp + 300 W) / (114 * 8 1/s) * 500" unit="J" digits="1"/>', f(1000 / 912 * 500, 1) + " J")
claim(MS, "smartphone charge", '<mlsysim value="reference.EnergyAnchors.SmartphoneCharge" unit="kJ" digits="0"/>', "40 kJ")
claim(MS, "boiling water", '<mlsysim value="reference.EnergyAnchors.BoilingWater" unit="kJ" digits="0"/>', "100 kJ")
kv = 2 * 80 * 8 * 128 * 2 / 1e6
claim(MS, "KV cache per token (Llama-2 70B)", '<mlsysim value="2 * models.Llama2_70B.layers * models.Llama2_70B.kv_heads * 128 * 2 B" unit="MiB" digits="2"/>', f(kv * 1e6 / 2**20, 2) + " MB",
      "a hand-written literal: 327,680 bytes is 0.33 MB or 0.31 MiB, and the book writes 0.31 with MB; the directive prints 0.31 MiB")
claim(MS, "32 requests x 8000 tokens (roughly)", '<mlsysim value="round(32 * 8000 * 2 * models.Llama2_70B.layers * models.Llama2_70B.kv_heads * 128 * 2 B, 10 GB)" unit="GB" digits="0"/>', "80 GB")

# --- appendix_inference: Little's law (textbook-today #12) ----------------------------------
claim(AI, "requests in system", '<mlsysim value="100 1/s * 154.5 ms" digits="2"/>', f(100 * 0.1545, 2))

print("# Printed numbers of the ML Systems textbook (harvard-edge/cs249r_book), as claims:")
print("# the printed text, the chapter it is printed in, and the directive that must print it.")
print("# Written by tests/data/textbook_claims.py; checked by tests/textbook_claims.rs.")
print("# A claim with `reason` does not print exactly, and the reason says why.")
for file, name, directive, printed, reason in claims:
    print()
    print("[[claim]]")
    print(f'file = "{file}"')
    print(f'name = "{name}"')
    print(f"directive = '{directive}'")
    print(f'printed = "{printed}"')
    if reason:
        print(f"reason = '{reason}'")
