/* Labels of the dashboard in Korean and English. t(key) picks the current language; a missing
   key shows itself, so a gap is visible rather than silent. */
'use strict';
const I18N = {
  as_of: { en: 'As of', ko: '기준일' },
  latest: { en: 'latest', ko: '최근' },
  page_overview: { en: 'Overview', ko: '개요' },
  page_customers: { en: 'Customers', ko: '고객' },
  page_customer: { en: 'Customer card', ko: '고객 카드' },
  page_ladder: { en: 'Relationship ladder', ko: '관계 사다리' },
  page_rfm: { en: 'RFM segments', ko: 'RFM 세그먼트' },
  page_clv: { en: 'Customer lifetime value', ko: '고객 생애 가치' },
  page_cohorts: { en: 'Cohorts', ko: '코호트' },
  page_pivot: { en: 'Pivot explorer', ko: '피벗 탐색' },
  kpi_customers: { en: 'Customers', ko: '고객 수' },
  kpi_active: { en: 'Active customers', ko: '활성 고객' },
  kpi_revenue: { en: 'Revenue', ko: '매출' },
  kpi_nps: { en: 'NPS', ko: 'NPS' },
  kpi_repeat: { en: 'Repeat rate', ko: '재구매율' },
  vs_prev: { en: 'vs previous month', ko: '전월 대비' },
  this_month: { en: 'month of', ko: '기준 월' },
  answers: { en: 'answers', ko: '응답' },
  no_answers: { en: 'no answers', ko: '응답 없음' },
  chart_revenue: { en: 'Revenue and orders by month', ko: '월별 매출과 주문' },
  chart_customers: { en: 'Active, new and total customers', ko: '활성·신규·전체 고객' },
  chart_nps: { en: 'NPS by month', ko: '월별 NPS' },
  chart_repeat: { en: 'Repeat rate', ko: '재구매율 추이' },
  revenue: { en: 'Revenue', ko: '매출' },
  orders: { en: 'Orders', ko: '주문' },
  active: { en: 'Active', ko: '활성' },
  new: { en: 'New', ko: '신규' },
  total: { en: 'Total', ko: '전체' },
  search_placeholder: { en: 'Search by id, name, phone or email', ko: '번호·이름·전화·이메일로 검색' },
  col_customer_id: { en: 'Customer', ko: '고객번호' },
  col_name: { en: 'Name', ko: '이름' },
  col_phone: { en: 'Phone', ko: '전화' },
  col_email: { en: 'Email', ko: '이메일' },
  col_region: { en: 'Region', ko: '지역' },
  col_type: { en: 'Type', ko: '유형' },
  col_acquired: { en: 'Since', ko: '가입일' },
  prev: { en: '‹ Previous', ko: '‹ 이전' },
  next: { en: 'Next ›', ko: '다음 ›' },
  showing: { en: 'Showing', ko: '표시' },
  no_results: { en: 'No customers match.', ko: '일치하는 고객이 없습니다.' },
  back_to_customers: { en: '← Customers', ko: '← 고객 목록' },
  order_history: { en: 'Order history', ko: '주문 내역' },
  not_found: { en: 'Not found', ko: '찾을 수 없음' },
  load_error: { en: 'Could not load', ko: '불러오지 못했습니다' },
  empty_store: { en: 'The store has no activity yet: import customers and orders first.', ko: '아직 데이터가 없습니다. 먼저 고객과 주문을 가져오세요.' },
  pivot_rows: { en: 'Rows', ko: '행' },
  pivot_cols: { en: 'Columns', ko: '열' },
  pivot_measure: { en: 'Measure', ko: '측정값' },
  pivot_totals: { en: 'Totals', ko: '합계' },
  pivot_filters: { en: 'Filters', ko: '필터' },
  pivot_value: { en: 'value, a,b or from..to', ko: '값, a,b 또는 시작..끝' },
  pivot_add: { en: 'Add', ko: '추가' },
  pivot_add_level: { en: 'add', ko: '추가' },
  pivot_remove: { en: 'Remove', ko: '삭제' },
  pivot_sort: { en: 'Sort', ko: '정렬' },
  pivot_sort_label: { en: 'By label', ko: '항목 순' },
  pivot_top: { en: 'Top', ko: '상위' },
  pivot_all_rows: { en: 'all', ko: '전체' },
  pivot_all: { en: 'All', ko: '전체' },
  pivot_rows_count: { en: 'rows', ko: '행' },
  pivot_drill_hint: { en: 'click a row to drill down', ko: '행을 누르면 한 단계 아래로 내려갑니다' },
  pivot_no_rows: { en: 'No orders match this query.', ko: '조건에 맞는 주문이 없습니다.' },
  pivot_chart_first: { en: 'chart: first', ko: '차트: 처음' },
  pivot_run: { en: 'Run', ko: '실행' },
  dim_year: { en: 'Year', ko: '연도' }, dim_quarter: { en: 'Quarter', ko: '분기' }, dim_month: { en: 'Month', ko: '월' },
  dim_week: { en: 'Week', ko: '주' }, dim_day: { en: 'Day', ko: '일' }, dim_channel: { en: 'Channel', ko: '채널' },
  dim_payment: { en: 'Payment', ko: '결제 수단' }, dim_site: { en: 'Site', ko: '매장' }, dim_staff: { en: 'Staff', ko: '직원' },
  dim_region: { en: 'Region', ko: '지역' }, dim_gender: { en: 'Gender', ko: '성별' }, dim_age: { en: 'Age band', ko: '연령대' },
  dim_acquisition: { en: 'Acquisition', ko: '유입 경로' }, dim_customer_type: { en: 'Customer type', ko: '고객 유형' },
  dim_income: { en: 'Income', ko: '소득' }, dim_category: { en: 'Category', ko: '카테고리' }, dim_brand: { en: 'Brand', ko: '브랜드' },
  dim_product: { en: 'Product', ko: '상품' },
  dim_revenue: { en: 'Revenue', ko: '매출' }, dim_orders: { en: 'Orders', ko: '주문 수' }, dim_customers: { en: 'Customers', ko: '고객 수' },
  dim_units: { en: 'Units', ko: '수량' }, dim_aov: { en: 'Average order', ko: '평균 주문액' },
  dim_revenue_per_customer: { en: 'Revenue per customer', ko: '고객당 매출' }, dim_share: { en: 'Share', ko: '비중' },
  dim_segment: { en: 'RFM segment', ko: 'RFM 세그먼트' }, dim_stage: { en: 'Stage', ko: '관계 단계' },
  dim_activity: { en: 'Activity', ko: '활동 상태' },
  dim_none: { en: 'None', ko: '없음' }, dim_rollup: { en: 'Subtotals', ko: '소계' },
  dim_cube: { en: 'All combinations', ko: '모든 조합' },
  stage_prospect: { en: 'Prospect', ko: '잠재 고객' }, stage_customer: { en: 'Customer', ko: '고객' },
  stage_client: { en: 'Client (단골)', ko: '단골' }, stage_advocate: { en: 'Advocate', ko: '옹호자' },
  stage_partner: { en: 'Partner', ko: '파트너' }, not_yet_known: { en: 'Not yet known', ko: '미등록' },
  flag_active: { en: 'Active', ko: '활성' }, flag_lapsed: { en: 'Lapsed', ko: '휴면' }, flag_churned: { en: 'Churned', ko: '이탈' },
  chart_funnel: { en: 'Relationship funnel', ko: '관계 퍼널' },
  chart_flags: { en: 'Active, lapsed and churned by stage', ko: '단계별 활성·휴면·이탈' },
  chart_migration: { en: 'Stage migration', ko: '단계 이동' },
  chart_stage_history: { en: 'Stages at month ends', ko: '월말 단계 분포' },
  migration_between: { en: 'Between', ko: '기간' },
  chart_rfm_grid: { en: 'Customers by recency and frequency score', ko: '최근성·빈도 점수별 고객' },
  chart_rfm_segments: { en: 'Segments: share of customers and of revenue', ko: '세그먼트별 고객·매출 비중' },
  rfm_table: { en: 'RFM segments', ko: 'RFM 세그먼트' },
  recency_score: { en: 'Recency (R)', ko: '최근성 (R)' }, frequency_score: { en: 'Frequency (F)', ko: '빈도 (F)' },
  rfm_segment: { en: 'Segment', ko: '세그먼트' }, rfm_customers: { en: 'Customers', ko: '고객 수' },
  rfm_customer_share: { en: 'Share of customers', ko: '고객 비중' }, rfm_revenue: { en: 'Revenue', ko: '매출' },
  rfm_revenue_share: { en: 'Share of revenue', ko: '매출 비중' }, rfm_mean_recency_days: { en: 'Mean recency (days)', ko: '평균 경과일' },
  rfm_mean_frequency: { en: 'Mean orders', ko: '평균 주문 수' }, rfm_mean_monetary: { en: 'Mean spend', ko: '평균 구매액' },
  cohort_by: { en: 'Cohort by', ko: '코호트 기준' }, cohort_month: { en: 'Acquisition month', ko: '가입 월' },
  cohort_channel: { en: 'Acquisition channel', ko: '유입 경로' }, cohort_category: { en: 'First category', ko: '첫 구매 카테고리' },
  cohort_retention: { en: 'Retention', ko: '유지율' }, cohort_active: { en: 'Active customers', ko: '활성 고객' },
  cohort_revenue: { en: 'Revenue', ko: '매출' }, cohort_revenue_per_customer: { en: 'Revenue per customer', ko: '고객당 매출' },
  clv_note: { en: 'BG/NBD purchases with Gamma-Gamma spend, fitted on every customer\'s orders; value over the next 52 weeks.',
    ko: 'BG/NBD 구매 모형과 Gamma-Gamma 지출 모형으로 추정한 향후 52주 가치입니다.' },
  chart_clv_value: { en: 'Customers by lifetime value (next 52 weeks)', ko: '고객 생애 가치 분포 (향후 52주)' },
  chart_clv_alive: { en: 'Customers by probability of being active, P(alive)', ko: '활성 확률 P(alive) 분포' },
  chart_clv_top: { en: 'Most valuable customers', ko: '가치 상위 고객' },
  clv_customer_id: { en: 'Customer', ko: '고객번호' }, clv_frequency: { en: 'Repeat purchases', ko: '재구매 수' },
  clv_monetary: { en: 'Mean repeat spend', ko: '평균 재구매액' }, clv_p_alive: { en: 'P(alive)', ko: '활성 확률' },
  clv_expected_purchases: { en: 'Expected purchases', ko: '예상 구매 수' }, clv_clv: { en: 'CLV', ko: '생애 가치' },
  // customer card section titles (from the library) and their fields
  'Customer': { en: 'Profile', ko: '프로필' },
  'Guidance': { en: 'Consultation guidance', ko: '상담 가이드' },
  'Orders': { en: 'Orders', ko: '주문 요약' },
  'Recent orders': { en: 'Recent orders', ko: '최근 주문' },
  'Recent feedback': { en: 'Recent feedback', ko: '최근 고객의 소리' },
  'Loyalty': { en: 'Loyalty', ko: '충성도' },
  'Lifetime value': { en: 'Lifetime value', ko: '고객 생애 가치' },
};

let LANG = localStorage.getItem('dangol.lang') ||
  ((navigator.language || 'en').toLowerCase().startsWith('ko') ? 'ko' : 'en');

function t(key) {
  const entry = I18N[key];
  return entry ? (entry[LANG] || entry.en) : key;
}

/* Column names of records and result tables. */
const FIELDS = {
  customer_id: '고객번호', name: '이름', phone: '전화', email: '이메일', birth_year: '출생연도',
  gender: '성별', household_size: '가구원 수', income_band: '소득 구간', education: '학력',
  occupation: '직업', region: '지역', acquisition_channel: '유입 경로', acquired_on: '가입일',
  staff_id: '담당 직원', customer_type: '고객 유형', guidance: '상담 가이드', credit_band: '신용 등급',
  consent_email: '이메일 수신 동의', consent_sms: 'SMS 수신 동의', consent_phone: '전화 수신 동의',
  orders: '주문 수', units: '수량', revenue: '매출', 'average order': '평균 주문액',
  'first order': '첫 주문', 'last order': '최근 주문', order: '주문번호', date: '날짜',
  channel: '채널', total: '금액', kind: '유형', rating: '평점', status: '상태', text: '내용',
  month: '월', customers: '고객 수', new_customers: '신규 고객', active_customers: '활성 고객',
  repeat_rate: '재구매율', nps: 'NPS', nps_n: 'NPS 응답 고객 수',
};

/* Known values of the channel and payment dimensions (the codes the demo and most imports use),
   by dimension or column name; valueLabel falls back to the raw value. The cube's rolled-up
   `Total` and missing `(none)` are labelled in every dimension. */
const ORDER_CHANNELS = {
  store: { en: 'Store', ko: '매장' }, online: { en: 'Online', ko: '온라인' }, mobile: { en: 'Mobile', ko: '모바일' },
  call_centre: { en: 'Call centre', ko: '콜센터' }, home_shopping: { en: 'Home shopping', ko: '홈쇼핑' },
  web: { en: 'Web', ko: '웹' }, app: { en: 'App', ko: '앱' }, email: { en: 'Email', ko: '이메일' }, sns: { en: 'Social media', ko: 'SNS' },
};
const ACQUISITION_CHANNELS = {
  store_walk_in: { en: 'Store walk-in', ko: '매장 방문' }, search: { en: 'Search', ko: '검색' },
  online_ad: { en: 'Online ad', ko: '온라인 광고' }, sns: { en: 'Social media', ko: 'SNS' }, referral: { en: 'Referral', ko: '지인 추천' },
  home_shopping: { en: 'Home shopping', ko: '홈쇼핑' }, event: { en: 'Event', ko: '이벤트' }, partnership: { en: 'Partnership', ko: '제휴' },
};
const PAYMENT_METHODS = {
  credit_card: { en: 'Credit card', ko: '신용카드' }, debit_card: { en: 'Debit card', ko: '체크카드' }, cash: { en: 'Cash', ko: '현금' },
  bank_transfer: { en: 'Bank transfer', ko: '계좌이체' }, mobile_pay: { en: 'Mobile pay', ko: '간편결제' }, gift_card: { en: 'Gift card', ko: '상품권' },
};
const STAGE_VALUES = Object.fromEntries(['prospect', 'customer', 'client', 'advocate', 'partner'].map(v => [v, I18N['stage_' + v]]));
const ACTIVITY_VALUES = Object.fromEntries(['active', 'lapsed', 'churned'].map(v => [v, I18N['flag_' + v]]));
const VALUES = {
  stage: STAGE_VALUES, activity: ACTIVITY_VALUES, channel: ORDER_CHANNELS, acquisition: ACQUISITION_CHANNELS, acquisition_channel: ACQUISITION_CHANNELS,
  payment: PAYMENT_METHODS, payment_method: PAYMENT_METHODS,
};
const ANY_DIMENSION = { Total: { en: 'Total', ko: '전체' }, '(none)': { en: '(none)', ko: '(없음)' } };

function valueLabel(dim, value) {
  const entry = (VALUES[dim] && VALUES[dim][value]) || ANY_DIMENSION[value];
  return entry ? (entry[LANG] || entry.en) : value;
}

function fieldLabel(name) {
  if (LANG === 'ko' && FIELDS[name]) return FIELDS[name];
  return name.replace(/_/g, ' ').replace(/^./, c => c.toUpperCase());
}
