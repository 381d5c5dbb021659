fn main() {
    let db = guestdb::Database::embedded().unwrap();
    let input = guestdb::detect::read_path(std::path::Path::new(&std::env::args().nth(1).unwrap()))
        .unwrap();
    let _ = db.identify(&input).unwrap();
    let t2 = std::time::Instant::now();
    for _ in 0..20000 {
        let _ = db.identify(&input).unwrap();
    }
    eprintln!("identify warm {:?}", t2.elapsed() / 20000);
}
