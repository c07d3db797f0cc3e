/* The demo business's vocabulary (see tables.h). Family-name weights are their shares (%)
 * in the 2015 Korean census; given names are common ones of each generation; the touchpoint
 * effects are the true quality differences the MOT analysis should find (docs/demo.md). */
#include <stdbool.h>

#include "demo/tables.h"

#define LIST(a) { a, sizeof a / sizeof a[0] }

static const dg__demo_name families[] = {
    { "김", "kim", 21.6 }, { "이", "lee", 14.8 }, { "박", "park", 8.5 }, { "최", "choi", 4.7 },
    { "정", "jung", 4.3 }, { "강", "kang", 2.4 }, { "조", "cho", 2.1 }, { "윤", "yoon", 2.1 },
    { "장", "jang", 2.0 }, { "임", "lim", 1.7 }, { "한", "han", 1.5 }, { "오", "oh", 1.5 },
    { "서", "seo", 1.5 }, { "신", "shin", 1.5 }, { "권", "kwon", 1.4 }, { "황", "hwang", 1.4 },
    { "안", "ahn", 1.4 }, { "송", "song", 1.3 }, { "전", "jeon", 1.1 }, { "홍", "hong", 1.1 },
    { "유", "yoo", 1.1 }, { "고", "ko", 0.9 }, { "문", "moon", 0.9 }, { "양", "yang", 0.9 },
    { "손", "son", 0.9 }, { "배", "bae", 0.8 }, { "백", "baek", 0.7 }, { "허", "heo", 0.6 },
    { "남", "nam", 0.5 }, { "심", "sim", 0.5 }, { "노", "noh", 0.4 }, { "하", "ha", 0.4 },
    { "곽", "kwak", 0.4 }, { "성", "sung", 0.4 }, { "차", "cha", 0.4 }, { "주", "joo", 0.4 },
    { "우", "woo", 0.4 }, { "구", "koo", 0.4 }, { "민", "min", 0.3 }, { "진", "jin", 0.3 },
};
const dg__demo_list dg__demo_families = LIST(families);

#define N1(h, r) { h, r, 1.0 }
static const dg__demo_name f_old[] = {
    N1("영희", "younghee"), N1("순자", "soonja"), N1("정숙", "jungsook"), N1("미경", "mikyung"),
    N1("경희", "kyunghee"), N1("영숙", "youngsook"), N1("명숙", "myungsook"), N1("순희", "soonhee"),
    N1("현숙", "hyunsook"), N1("미숙", "misook"), N1("옥순", "oksoon"), N1("정희", "junghee"),
};
static const dg__demo_name f_mid[] = {
    N1("지영", "jiyoung"), N1("은정", "eunjung"), N1("미영", "miyoung"), N1("수진", "sujin"),
    N1("혜진", "hyejin"), N1("은주", "eunju"), N1("지혜", "jihye"), N1("현정", "hyunjung"),
    N1("선영", "sunyoung"), N1("민정", "minjung"), N1("지은", "jieun"), N1("유진", "yujin"),
};
static const dg__demo_name f_young[] = {
    N1("서연", "seoyeon"), N1("지우", "jiwoo"), N1("서윤", "seoyun"), N1("민서", "minseo"),
    N1("하은", "haeun"), N1("지민", "jimin"), N1("수빈", "subin"), N1("예린", "yerin"),
    N1("채원", "chaewon"), N1("다은", "daeun"), N1("예은", "yeeun"), N1("지원", "jiwon"),
};
static const dg__demo_name m_old[] = {
    N1("영수", "youngsoo"), N1("철수", "chulsoo"), N1("영호", "youngho"), N1("정호", "jungho"),
    N1("성호", "sungho"), N1("종철", "jongchul"), N1("상철", "sangchul"), N1("영식", "youngsik"),
    N1("광수", "kwangsoo"), N1("재호", "jaeho"), N1("병철", "byungchul"), N1("용수", "yongsoo"),
};
static const dg__demo_name m_mid[] = {
    N1("성민", "sungmin"), N1("동현", "donghyun"), N1("민수", "minsoo"), N1("준호", "junho"),
    N1("상훈", "sanghoon"), N1("지훈", "jihoon"), N1("재현", "jaehyun"), N1("성진", "sungjin"),
    N1("정훈", "junghoon"), N1("현우", "hyunwoo"), N1("승현", "seunghyun"), N1("영민", "youngmin"),
};
static const dg__demo_name m_young[] = {
    N1("민준", "minjun"), N1("서준", "seojun"), N1("도윤", "doyun"), N1("예준", "yejun"),
    N1("시우", "siwoo"), N1("하준", "hajun"), N1("지호", "jiho"), N1("준서", "junseo"),
    N1("건우", "gunwoo"), N1("우진", "woojin"), N1("현준", "hyunjun"), N1("도현", "dohyun"),
};
static const dg__demo_name x_all[] = {
    N1("지원", "jiwon"), N1("수빈", "subin"), N1("유진", "yujin"), N1("지민", "jimin"),
    N1("하늘", "haneul"), N1("은수", "eunsoo"), N1("민재", "minjae"), N1("서현", "seohyun"),
    N1("주원", "juwon"), N1("윤서", "yunseo"),
};
const dg__demo_list dg__demo_given[3][3] = {
    { LIST(f_old), LIST(f_mid), LIST(f_young) },
    { LIST(m_old), LIST(m_mid), LIST(m_young) },
    { LIST(x_all), LIST(x_all), LIST(x_all) },
};

const char *const dg__demo_sites[] = {
    "Seoul Gangnam", "Seoul Myeongdong", "Seoul Jamsil", "Busan Seomyeon", "Incheon Songdo",
    "Daegu Dongseongro", "Gyeonggi Suwon", "Gyeonggi Bundang", "Daejeon Dunsan",
    "Gwangju Chungjang",
};
const size_t dg__demo_n_sites = sizeof dg__demo_sites / sizeof dg__demo_sites[0];

/* Shares roughly follow the 2020 census populations; regions without a store shop at the nearest. */
const dg__demo_region dg__demo_regions[] = {
    { "Seoul", 18.5, 0, 3 },    { "Busan", 6.5, 3, 1 },     { "Incheon", 5.7, 4, 1 },
    { "Daegu", 4.6, 5, 1 },     { "Daejeon", 2.8, 8, 1 },   { "Gwangju", 2.8, 9, 1 },
    { "Ulsan", 2.2, 3, 1 },     { "Sejong", 0.7, 8, 1 },    { "Gyeonggi", 26.0, 6, 2 },
    { "Gangwon", 3.0, 2, 1 },   { "Chungbuk", 3.1, 8, 1 },  { "Chungnam", 4.1, 8, 1 },
    { "Jeonbuk", 3.5, 9, 1 },   { "Jeonnam", 3.5, 9, 1 },   { "Gyeongbuk", 5.1, 5, 1 },
    { "Gyeongnam", 6.4, 3, 1 }, { "Jeju", 1.3, 9, 1 },
};
const size_t dg__demo_n_regions = sizeof dg__demo_regions / sizeof dg__demo_regions[0];

static const char *const skincare_nouns[] = { "토너", "에센스", "수분 크림", "선크림", "클렌징 폼", "시트 마스크", NULL };
static const char *const makeup_nouns[] = { "쿠션 팩트", "립스틱", "아이섀도 팔레트", "마스카라", "파운데이션", NULL };
static const char *const health_nouns[] = { "홍삼 스틱", "종합비타민", "유산균", "오메가3", "콜라겐", NULL };
static const char *const household_nouns[] = { "세탁 세제", "주방 세제", "물티슈", "화장지", "섬유유연제", NULL };
static const char *const kitchen_nouns[] = { "프라이팬", "밀폐용기 세트", "텀블러", "칼 세트", "도마", NULL };
static const char *const fashion_nouns[] = { "에코백", "양말 세트", "머플러", "볼캡", "장갑", NULL };
static const char *const food_nouns[] = { "김 선물세트", "견과류", "즉석밥", "라면 묶음", "커피 캡슐", NULL };
static const char *const appliance_nouns[] = { "헤어드라이어", "전기포트", "무선 청소기", "가습기", "블렌더", NULL };

static const char *const skincare_brands[] = { "하늘", "다솜", "서린", DG__DEMO_PRIVATE_LABEL, NULL };
static const char *const makeup_brands[] = { "빛나", "아름", "달빛", NULL };
static const char *const health_brands[] = { "가온", "온누리", "푸른", NULL };
static const char *const household_brands[] = { "새봄", "누리", DG__DEMO_PRIVATE_LABEL, NULL };
static const char *const kitchen_brands[] = { "마루", "한빛", DG__DEMO_PRIVATE_LABEL, NULL };
static const char *const fashion_brands[] = { "여름", "소림", "다미", NULL };
static const char *const food_brands[] = { "온누리", "가온", DG__DEMO_PRIVATE_LABEL, NULL };
static const char *const appliance_brands[] = { "한빛", "마루", "푸른", NULL };

const dg__demo_category dg__demo_categories[] = {
    { "skincare", 28000, skincare_nouns, skincare_brands, 20 },
    { "makeup", 22000, makeup_nouns, makeup_brands, 14 },
    { "health", 45000, health_nouns, health_brands, 12 },
    { "household", 12000, household_nouns, household_brands, 18 },
    { "kitchen", 35000, kitchen_nouns, kitchen_brands, 8 },
    { "fashion", 25000, fashion_nouns, fashion_brands, 9 },
    { "food", 15000, food_nouns, food_brands, 15 },
    { "appliance", 89000, appliance_nouns, appliance_brands, 4 },
};
const size_t dg__demo_n_categories = sizeof dg__demo_categories / sizeof dg__demo_categories[0];
/* in the order of dg__demo_categories: cosmetics carry a large margin, appliances a thin one */
const double dg__demo_category_cost_share[] = { 0.30, 0.32, 0.45, 0.60, 0.55, 0.45, 0.65, 0.75 };
_Static_assert(sizeof dg__demo_category_cost_share / sizeof dg__demo_category_cost_share[0] ==
               sizeof dg__demo_categories / sizeof dg__demo_categories[0],
               "one cost share per category");
/* store_walk_in, search, online_ad, sns, referral, home_shopping, event, partnership */
const double dg__demo_true_cac[DG__N_ACQUISITION] = {
    6000, 22000, 38000, 18000, 9000, 55000, 30000, 14000 };

const char *const dg__demo_variants[] = { "", " 대용량", " 미니", " 2개입", " 리필", " 기획세트", NULL };

const char *const dg__demo_touchpoint_kinds[] = { "hardware", "software", "humanware" };

/* The true quality of each moment of truth: delivery and the call centre are measurably worse. */
const dg__demo_touchpoint dg__demo_touchpoints[DG__N_TOUCHPOINTS] = {
    { "store_layout", DG__KIND_HARDWARE, 0.10, false, "상품 찾기 어려움", "매장이 깔끔함" },
    { "parking", DG__KIND_HARDWARE, -0.30, false, "주차 공간 부족", "주차 편리" },
    { "checkout", DG__KIND_HARDWARE, -0.10, true, "계산 대기 길음", "빠른 계산" },
    { "store_staff", DG__KIND_HUMANWARE, 0.20, true, "직원 응대 불만", "친절한 상담" },
    { "website", DG__KIND_SOFTWARE, 0.00, false, "페이지 오류", "찾기 쉬움" },
    { "mobile_app", DG__KIND_SOFTWARE, 0.10, false, "앱 멈춤", "앱 사용 편리" },
    { "online_payment", DG__KIND_SOFTWARE, -0.40, false, "결제 오류", "간편 결제" },
    { "delivery", DG__KIND_HARDWARE, -0.90, false, "배송 지연", "빠른 배송" },
    { "call_centre", DG__KIND_HUMANWARE, -0.60, true, "상담 대기 길음", "상담 만족" },
    { "returns", DG__KIND_HUMANWARE, -0.50, true, "환불 지연", "교환 신속" },
    { "tv_broadcast", DG__KIND_SOFTWARE, 0.15, false, "방송 정보 부정확", "방송 설명 유익" },
};
const size_t dg__demo_n_touchpoints = sizeof dg__demo_touchpoints / sizeof dg__demo_touchpoints[0];

const char *const dg__demo_channels[DG__N_CHANNELS] = {
    "store", "online", "mobile", "call_centre", "home_shopping",
};

/* Columns follow dg__demo_touchpoints: layout, parking, checkout, staff, website, app, payment,
 * delivery, call centre, returns, tv. */
const double dg__demo_channel_touchpoints[DG__N_CHANNELS][DG__N_TOUCHPOINTS] = {
    [DG__CH_STORE] = { 3, 2, 3, 4, 0, 0, 0, 0, 0, 0.5, 0 },
    [DG__CH_ONLINE] = { 0, 0, 0, 0, 4, 0, 2, 3, 0.5, 0.5, 0 },
    [DG__CH_MOBILE] = { 0, 0, 0, 0, 0, 4, 2, 3, 0.3, 0.5, 0 },
    [DG__CH_CALL] = { 0, 0, 0, 0, 0, 0, 0, 3, 5, 0.5, 0 },
    [DG__CH_HOME_SHOPPING] = { 0, 0, 0, 0, 0, 0, 0, 3, 3, 0.5, 3 },
};

static const dg__demo_text complaint_ko[] = {
    { "delivery", "주문한 {p} 배송이 예정일보다 {d}일이나 늦었어요. 지연 안내도 없었습니다." },
    { "delivery", "택배 상자가 찌그러진 채로 왔고 {p} 포장이 뜯겨 있었어요." },
    { "delivery", "배송 기사님이 연락도 없이 경비실에 맡기고 가셨어요." },
    { "call_centre", "고객센터 연결까지 {m}분 넘게 기다렸습니다. 너무 오래 걸려요." },
    { "call_centre", "상담원이 같은 내용을 몇 번이나 다시 설명하게 했어요. 응대가 불친절했습니다." },
    { "store_staff", "{s} 직원분이 문의에 건성으로 대답하셨어요. 기분이 상했습니다." },
    { "checkout", "{s} 계산 줄이 너무 길어서 {m}분 넘게 기다렸어요." },
    { "online_payment", "앱에서 결제가 계속 실패해서 세 번이나 다시 시도했어요." },
    { "online_payment", "쿠폰이 적용되지 않아서 결제를 못 했습니다. 확인 부탁드립니다." },
    { "website", "홈페이지에서 주문 내역 페이지가 열리지 않아요." },
    { "mobile_app", "앱 업데이트 후 로그인이 자꾸 풀려요." },
    { "returns", "{p} 반품 신청한 지 {d}일이 지났는데 환불이 아직 안 됐어요." },
    { "parking", "{s} 주차장이 너무 좁고 안내 요원이 없어요." },
    { "store_layout", "{s}에서 {p}을(를) 찾느라 한참 헤맸어요. 진열 안내가 필요해요." },
    { "tv_broadcast", "방송에서 본 {p} 구성과 실제 받은 구성이 달라요." },
    { NULL, "{p} 품질이 기대에 못 미칩니다. 사용하자마자 문제가 생겼어요." },
    { NULL, "{p} 가격이 지난달보다 너무 많이 올랐네요." },
};
static const dg__demo_text opinion_ko[] = {
    { NULL, "{p} 용량이 조금 더 컸으면 좋겠어요." },
    { NULL, "{s}에 {p} 재고가 자주 없어요. 재입고 알림 기능이 있으면 좋겠습니다." },
    { NULL, "포인트 적립률을 조금만 올려주시면 더 자주 이용할 것 같아요." },
    { NULL, "앱 화면이 복잡해서 최근 주문 내역을 찾기 어렵습니다." },
    { NULL, "종이 영수증 대신 모바일 영수증만 받을 수 있으면 좋겠어요." },
    { NULL, "주말에는 매장 영업시간을 한 시간만 늘려주세요." },
};
static const dg__demo_text question_ko[] = {
    { NULL, "{p} 성분표는 어디에서 볼 수 있나요?" },
    { NULL, "주문 취소는 언제까지 가능한가요?" },
    { NULL, "멤버십 등급은 어떻게 올라가나요?" },
    { NULL, "{s} 영업시간이 어떻게 되나요?" },
    { NULL, "{p} 선물 포장 가능한가요?" },
    { NULL, "적립된 포인트 유효기간이 궁금합니다." },
};
static const dg__demo_text compliment_ko[] = {
    { "store_staff", "{s} 직원분이 정말 친절하게 설명해 주셨어요. 감사합니다!" },
    { NULL, "{p} 너무 만족스러워요. 재구매 의사 있습니다." },
    { "delivery", "주문 다음 날 바로 배송돼서 놀랐어요. 포장도 꼼꼼했습니다." },
    { "call_centre", "상담원분이 교환 절차를 차근차근 안내해 주셔서 편했어요." },
    { NULL, "항상 믿고 이용하는 단골 매장입니다. 앞으로도 잘 부탁드려요." },
};
#define TEXTS(a) { a, sizeof a / sizeof a[0] }
const dg__demo_texts dg__demo_feedback[4] = {
    TEXTS(complaint_ko), TEXTS(opinion_ko), TEXTS(question_ko), TEXTS(compliment_ko),
};

const char *const dg__demo_partner_notes[5] = {
    "신제품 소비자 패널 참여",
    "{p} 리뉴얼 공동 기획 워크숍 참여",
    "{p} 상세 사용 후기 작성 (사진 포함)",
    "모바일 앱 신규 기능 베타 테스트",
    "단골 고객 커뮤니티 모임 참석",
};
