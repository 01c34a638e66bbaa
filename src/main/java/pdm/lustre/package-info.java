/** Lustre placement through the {@code lfs} command: the stripe and MDT policy of a {@code type = "lustre"} target, and the runner that asks lfs; knows files only as open directories and names (fs) and its settings (config). */
package pdm.lustre;
