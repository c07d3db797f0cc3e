/* ECharts (the library's UMD build, loaded by index.html as window.echarts): the dashboard's theme,
   and every chart of the current view kept in CHARTS, so a view change disposes them and the
   browser test can read them. */
export const echarts = window.echarts;

export const PALETTE = ['#2f6fde', '#14a38b', '#f0a020', '#e4574c', '#7b61ff', '#3fb1e3', '#8c96a8', '#d36fb1'];
echarts.registerTheme('dangol', {
  color: PALETTE,
  backgroundColor: 'transparent',
  textStyle: { fontFamily: getComputedStyle(document.documentElement).fontFamily },
  categoryAxis: { axisLine: { lineStyle: { color: '#c9cfdb' } }, axisTick: { show: false }, axisLabel: { color: '#6b7385' }, nameTextStyle: { color: '#6b7385' } },
  valueAxis: { axisLine: { show: false }, splitLine: { lineStyle: { color: '#eef1f6' } }, axisLabel: { color: '#6b7385' }, nameTextStyle: { color: '#6b7385' } },
  legend: { textStyle: { color: '#1d2433' } },
});

export const CHARTS = [];

export function mountChart(el, option) {
  const chart = echarts.init(el, 'dangol', { renderer: 'canvas' });
  chart.setOption(Object.assign({ animation: !navigator.webdriver, animationDuration: 400, grid: { left: 56, right: 56, top: 40, bottom: 36 } }, option));
  CHARTS.push(chart);
  return chart;
}

export function disposeCharts() {
  while (CHARTS.length) CHARTS.pop().dispose();
}

window.addEventListener('resize', () => CHARTS.forEach(c => c.resize()));
